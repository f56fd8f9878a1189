// consumer MODEL TRUST_STORE TENSOR — prints the tensor's dtype, shape and
// first element, as the README shows.
#include <cstdio>

#include <safemodel/model.h>

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  auto store = safemodel::TrustStore::Load(argv[2]);
  if (!store.ok()) return std::fprintf(stderr, "%s\n", store.status().ToString().c_str()), 1;
  safemodel::TrustPolicy trust;
  trust.store = std::move(*store);
  auto model = safemodel::Model::Open(argv[1], trust);
  if (!model.ok()) return std::fprintf(stderr, "%s\n", model.status().ToString().c_str()), 1;
  const safemodel::TensorView* w = model->FindTensor(argv[3]);
  if (!w || w->dtype != safemodel::DType::kF32 || w->num_elements() == 0) return 1;
  std::printf("%s %s %s first=%g\n", w->name.c_str(), std::string(DTypeName(w->dtype)).c_str(),
              safemodel::ShapeString(w->shape).c_str(), static_cast<double>(w->as<float>()[0]));
  return 0;
}
