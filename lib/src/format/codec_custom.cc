// The schema's `custom` member: a user-defined kind (safemodel/extension.h).
#include <kj/exception.h>

#include "format/codec.h"
#include "format/extension_internal.h"

namespace safemodel::format {

namespace {

std::string KindPlace(const std::string& p, std::string_view name) {
  return p + ".custom('" + EscapeForTerminal(name) + "')";
}

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

Result<const internal::ErasedKind*> FindKind(std::string_view name, uint32_t version, uint64_t schema_id,
                                             const LoadOptions& options, const std::string& p) {
  const std::string q = "'" + EscapeForTerminal(name) + "'";
  const internal::ErasedKind* kind = options.kinds ? options.kinds->Find(name) : nullptr;
  if (kind == nullptr) {
    std::string known = "none: LoadOptions::kinds is empty";
    if (options.kinds && !options.kinds->names().empty()) {
      known.clear();
      for (const auto& n : options.kinds->names()) known += (known.empty() ? "" : ", ") + EscapeForTerminal(n);
    }
    return Unsupported(p + ".custom: kind " + q + " is not registered in this program (it reads: " + known + ")");
  }
  if (schema_id != kind->schema_id()) {
    return Unsupported(p + ".custom: kind " + q + " has schema id " + Hex(schema_id) + " in the file, but this " +
                       "program registered " + Hex(kind->schema_id()) + " for it (a different struct)");
  }
  if (version == 0 || version > kind->version()) {
    return Unsupported(p + ".custom: kind " + q + " version " + std::to_string(version) +
                       "; this program reads versions 1 to " + std::to_string(kind->version()));
  }
  return kind;
}

void Encode(Encoder& enc, const est::CustomEstimator& c, schema::Estimator::Builder out, const std::string& p) {
  const internal::ErasedKind& kind = c.object->kind();
  auto b = out.initCustom();
  b.setKind(capnp::Text::Reader(kind.name().data(), kind.name().size()));
  b.setVersion(kind.version());
  b.setSchemaId(kind.schema_id());
  internal::TensorAdder adder(enc);
  TensorSink sink = adder.Sink(p);
  Status s = c.object->Write(b.initBody(), sink);
  if (!s.ok()) enc.Fail(s.Wrap(KindPlace(p.empty() ? "estimator" : p, kind.name()) + " writer"));
}

Result<est::Estimator> DecodeCustom(Decoder& d, schema::Custom::Reader r, const std::string& p) {
  auto text = r.getKind();
  if (text.size() > kMaxKindNameBytes) {
    return Corruption(p + ".custom.kind: " + std::to_string(text.size()) + " bytes, over " +
                      std::to_string(kMaxKindNameBytes));
  }
  const std::string name(text.cStr(), text.size());
  SAFEMODEL_ASSIGN_OR_RETURN(const internal::ErasedKind* kind,
                             FindKind(name, r.getVersion(), r.getSchemaId(), d.options(), p));
  const std::string place = KindPlace(p, name);
  if (!r.hasBody()) return Corruption(place + ".body: absent");
  internal::TensorTaker taker(d);
  TensorSource tensors = taker.Source(place + ".body", r.getVersion());
  Result<std::shared_ptr<const internal::ErasedObject>> object = Corruption("unread");
  try {
    object = kind->Read(r.getBody(), tensors);
  } catch (const kj::Exception& e) {
    // A body that is not a struct of the kind's schema, or reads past the limits.
    return Corruption(place + ".body: " + e.getDescription().cStr());
  }
  if (!object.ok()) return object.status();
  if (!*object) return Corruption(place + ": the validator returned nothing");
  SAFEMODEL_ASSIGN_OR_RETURN(est::CustomEstimator c, est::BuildCustom(std::move(*object), place));
  return est::Estimator{std::move(c)};
}

}  // namespace safemodel::format
