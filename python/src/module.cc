// safemodel._core: the Python module's native part, over the public C++ API
// only (lib/include/safemodel). The pure-Python layer (python/safemodel/)
// builds scikit-learn objects from what this returns; nothing here imports
// or calls Python code named by a file.
//
// Every safemodel::Status that is not ok becomes one of the exceptions
// defined below, with the library's message (which names the place).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "safemodel/convert.h"
#include "safemodel/keys.h"
#include "safemodel/model.h"
#include "safemodel/trust.h"
#include "safemodel/version.h"
#include "safemodel/writer.h"

namespace py = pybind11;

namespace {

// The exception classes, created once at import.
struct Exceptions {
  py::handle base, trust, format, unsupported, limit, invalid, io;
};
Exceptions g_exc;

[[noreturn]] void Raise(const safemodel::Status& s) {
  using safemodel::Code;
  py::handle type = g_exc.base;
  switch (s.code()) {
    case Code::kSignatureInvalid:
    case Code::kUntrusted: type = g_exc.trust; break;
    case Code::kCorruption: type = g_exc.format; break;
    case Code::kUnsupported: type = g_exc.unsupported; break;
    case Code::kLimitExceeded: type = g_exc.limit; break;
    case Code::kInvalidArgument: type = g_exc.invalid; break;
    case Code::kIoError: type = g_exc.io; break;
    case Code::kOk: break;
  }
  PyErr_SetString(type.ptr(), s.message().c_str());
  throw py::error_already_set();
}

void Check(const safemodel::Status& s) {
  if (!s.ok()) Raise(s);
}

template <typename T>
T Take(safemodel::Result<T> r) {
  if (!r.ok()) Raise(r.status());
  return std::move(r).value();
}

// Runs f without the GIL (file reading, hashing, the sandboxed converter);
// its Status or Result is raised only after the GIL is back.
template <typename F>
auto WithoutGil(F f) {
  py::gil_scoped_release release;
  return f();
}

py::handle NewException(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  std::string qualified = std::string("safemodel.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

// numpy's name for a dtype, or nullptr where numpy has none (bf16).
const char* NumpyFormat(safemodel::DType d) {
  using safemodel::DType;
  switch (d) {
    case DType::kF16: return "<f2";
    case DType::kBF16: return "<u2";  // numpy has no bfloat16: the bit patterns
    case DType::kF32: return "<f4";
    case DType::kF64: return "<f8";
    case DType::kI8: return "i1";
    case DType::kI16: return "<i2";
    case DType::kI32: return "<i4";
    case DType::kI64: return "<i8";
    case DType::kU8: return "u1";
    case DType::kU16: return "<u2";
    case DType::kU32: return "<u4";
    case DType::kU64: return "<u8";
    case DType::kBool: return "?";
  }
  return "u1";
}

std::optional<safemodel::DType> FromNumpy(const py::dtype& dt) {
  using safemodel::DType;
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'b' && size == 1) return DType::kBool;
  if (kind == 'f') {
    if (size == 2) return DType::kF16;
    if (size == 4) return DType::kF32;
    if (size == 8) return DType::kF64;
  }
  if (kind == 'i') {
    if (size == 1) return DType::kI8;
    if (size == 2) return DType::kI16;
    if (size == 4) return DType::kI32;
    if (size == 8) return DType::kI64;
  }
  if (kind == 'u') {
    if (size == 1) return DType::kU8;
    if (size == 2) return DType::kU16;
    if (size == 4) return DType::kU32;
    if (size == 8) return DType::kU64;
  }
  return std::nullopt;
}

// A read-only numpy view of a tensor that keeps `owner` (the Model) alive.
py::array TensorArray(const safemodel::TensorView& t, py::handle owner) {
  py::dtype dt(NumpyFormat(t.dtype));
  std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = dt.itemsize();
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  // numpy wants a pointer even for zero elements.
  static const std::byte kEmpty[8]{};
  const void* data = t.bytes.empty() ? kEmpty : t.bytes.data();
  py::array a(dt, shape, strides, data, owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

py::dict MetadataDict(const safemodel::Metadata& m) {
  py::dict d;
  d["name"] = m.name;
  d["description"] = m.description;
  d["license"] = m.license;
  d["producer"] = m.producer;
  d["producer_version"] = m.producer_version;
  d["library_versions"] = m.library_versions;
  d["created_unix"] = m.created_unix;
  d["feature_names"] = m.feature_names;
  d["extra"] = m.extra;
  return d;
}

// Only descriptive text fields are taken; unknown keys are refused so that a
// typo does not vanish silently.
safemodel::Metadata MetadataFrom(const std::optional<py::dict>& d) {
  safemodel::Metadata m;
  if (!d) return m;
  for (auto [k, v] : *d) {
    const std::string key = py::str(k);
    auto text = [&]() {
      if (!py::isinstance<py::str>(v)) {
        Raise(safemodel::InvalidArgument("metadata['" + key + "'] must be a str"));
      }
      return v.cast<std::string>();
    };
    auto map = [&]() {
      if (!py::isinstance<py::dict>(v)) {
        Raise(safemodel::InvalidArgument("metadata['" + key + "'] must be a dict of str to str"));
      }
      std::map<std::string, std::string> out;
      for (auto [mk, mv] : v.cast<py::dict>()) {
        if (!py::isinstance<py::str>(mk) || !py::isinstance<py::str>(mv)) {
          Raise(safemodel::InvalidArgument("metadata['" + key + "'] must be a dict of str to str"));
        }
        out[mk.cast<std::string>()] = mv.cast<std::string>();
      }
      return out;
    };
    if (key == "name") m.name = text();
    else if (key == "description") m.description = text();
    else if (key == "license") m.license = text();
    else if (key == "producer") m.producer = text();
    else if (key == "producer_version") m.producer_version = text();
    else if (key == "library_versions") m.library_versions = map();
    else if (key == "extra") m.extra = map();
    else {
      Raise(safemodel::InvalidArgument(
          "metadata: unknown key '" + key +
          "' (known: name, description, license, producer, producer_version, library_versions, extra)"));
    }
  }
  return m;
}

// trusted_keys: public keys as file paths or as minisign's base64 line.
safemodel::TrustPolicy Policy(const std::vector<std::string>& trusted_keys,
                              const std::optional<std::string>& trust_store, uint32_t require,
                              bool allow_unsigned) {
  safemodel::TrustPolicy p;
  if (trust_store) p.store = Take(safemodel::TrustStore::Load(*trust_store));
  int n = 0;
  for (const std::string& k : trusted_keys) {
    ++n;
    // A key is its base64 line ("RW..."): anything else is a file name.
    auto parsed = safemodel::ParsePublicKey(k);
    safemodel::PublicKey pk = parsed.ok() ? *parsed : Take(safemodel::ReadPublicKeyFile(k));
    Check(p.store.Add("trusted-key-" + std::to_string(n), pk));
  }
  if (require < 1) Raise(safemodel::InvalidArgument("require must be at least 1"));
  p.require = require;
  p.allow_unsigned = allow_unsigned;
  return p;
}

py::list SignatureList(const safemodel::Model& m) {
  py::list out;
  for (const auto& s : m.signatures()) {
    py::dict d;
    d["key_id"] = safemodel::KeyIdHex(s.key_id);
    d["signer"] = s.signer;
    d["trusted_comment"] = s.trusted_comment;
    d["state"] = std::string(safemodel::SignatureStateName(s.state));
    out.append(d);
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "safemodel's native part; use the safemodel package, not this module.";

  g_exc.base = NewException(m, "SafemodelError", PyExc_Exception, "Base of every safemodel error.");
  auto bases = [&](py::handle extra) {
    return py::make_tuple(g_exc.base, extra).release().ptr();
  };
  g_exc.trust = NewException(m, "TrustError", g_exc.base.ptr(),
                             "The file is unsigned, signed by no trusted key, revoked, or a signature "
                             "does not verify.");
  g_exc.format = NewException(m, "FormatError", bases(PyExc_ValueError),
                              "The bytes do not follow the format (damaged or hostile file).");
  g_exc.unsupported = NewException(m, "UnsupportedError", bases(PyExc_ValueError),
                                   "Well-formed, but something safemodel does not represent.");
  g_exc.limit = NewException(m, "LimitError", g_exc.base.ptr(), "A documented size limit was exceeded.");
  g_exc.invalid = NewException(m, "InvalidArgumentError", bases(PyExc_ValueError),
                               "A malformed argument.");
  g_exc.io = NewException(m, "IOError", bases(PyExc_OSError), "A file could not be read or written.");

  m.def("version", [] { return std::string(safemodel::Version()); });

  py::class_<safemodel::Model>(m, "Model")
      .def_property_readonly("kind", [](const safemodel::Model& self) {
        return std::string(safemodel::EstimatorKindName(self.kind()));
      })
      .def_property_readonly("format_version", &safemodel::Model::format_version)
      .def_property_readonly("metadata", [](const safemodel::Model& self) { return MetadataDict(self.metadata()); })
      .def_property_readonly("signatures", [](const safemodel::Model& self) { return SignatureList(self); })
      .def_property_readonly("trusted_signers", &safemodel::Model::trusted_signers)
      .def_property_readonly("file_size", &safemodel::Model::file_size)
      .def_property_readonly("weights_framework", &safemodel::Model::weights_framework)
      .def("estimator_class", &safemodel::Model::estimator_class, py::arg("member") = "")
      .def("estimator_summary", &safemodel::Model::estimator_summary, py::arg("member") = "")
      .def("members", &safemodel::Model::members)
      .def("header_json", [](const safemodel::Model& self) { return Take(self.header_json()); })
      // Read-only views of every tensor, in table order, borrowing the
      // model's memory (the arrays keep the model alive).
      .def("tensors", [](py::object self) {
        const auto& model = self.cast<const safemodel::Model&>();
        py::list out;
        for (const auto& t : model.tensors()) out.append(py::make_tuple(t.name, TensorArray(t, self)));
        return out;
      });

  m.def(
      "open_model",
      [](const std::string& path, const std::vector<std::string>& trusted_keys,
         const std::optional<std::string>& trust_store, uint32_t require, bool allow_unsigned,
         bool copy_tensors) {
        safemodel::TrustPolicy policy = Policy(trusted_keys, trust_store, require, allow_unsigned);
        safemodel::LoadOptions options;
        options.copy_tensors = copy_tensors;
        return Take(WithoutGil([&] { return safemodel::Model::Open(path, policy, options); }));
      },
      py::arg("path"), py::arg("trusted_keys"), py::arg("trust_store"), py::arg("require"),
      py::arg("allow_unsigned"), py::arg("copy_tensors") = false);

  m.def(
      "inspect_model",
      [](const std::string& path) {
        return Take(WithoutGil([&] { return safemodel::Model::Inspect(path); }));
      },
      py::arg("path"));

  m.def(
      "convert",
      [](const std::string& src, const std::string& dst, const std::optional<py::dict>& metadata) {
        safemodel::ConvertOptions options;
        options.metadata = MetadataFrom(metadata);
        Check(WithoutGil([&] { return safemodel::ConvertFile(src, dst, options); }));
      },
      py::arg("src"), py::arg("dst"), py::arg("metadata") = py::none());

  m.def(
      "scan",
      [](const std::string& path) {
        safemodel::ScanResult r = Take(WithoutGil([&] { return safemodel::ScanFile(path); }));
        py::list globals;
        for (const auto& g : r.globals) {
          py::dict d;
          d["offset"] = g.offset;
          d["opcode"] = g.opcode;
          d["module"] = py::bytes(g.module).attr("decode")("utf-8", "backslashreplace");
          d["name"] = py::bytes(g.name).attr("decode")("utf-8", "backslashreplace");
          d["allowed"] = g.allowed;
          d["reason"] = g.reason;
          globals.append(d);
        }
        py::dict out;
        out["container"] = r.container;
        out["globals"] = globals;
        out["disallowed_total"] = r.disallowed_total;
        out["error"] = r.error;
        out["safe"] = r.all_allowed();
        return out;
      },
      py::arg("path"));

  m.def(
      "sign",
      [](const std::string& path, const std::string& secret_key, const std::optional<std::string>& password,
         const std::string& comment) {
        std::string text;
        {
          // A key file's contents, or the path of one.
          if (secret_key.find('\n') != std::string::npos) {
            text = secret_key;
          } else {
            FILE* f = std::fopen(secret_key.c_str(), "rb");
            if (f == nullptr) Raise(safemodel::IoError("cannot open secret key file '" + secret_key + "'"));
            char buf[4096];
            size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < (1 << 20)) text.append(buf, n);
            std::fclose(f);
          }
        }
        std::optional<std::string_view> pw;
        if (password) pw = *password;
        if (!pw && Take(safemodel::SecretKeyFileIsEncrypted(text))) {
          Raise(safemodel::InvalidArgument("the secret key is encrypted: pass password="));
        }
        safemodel::Status s = WithoutGil([&] {
          auto key = safemodel::ParseSecretKeyFile(text, pw);
          return key.ok() ? safemodel::SignFile(path, *key, comment) : key.status();
        });
        // The key text is not ours to keep around longer than needed.
        volatile char* p = text.data();
        for (size_t i = 0; i < text.size(); ++i) p[i] = 0;
        Check(s);
      },
      py::arg("path"), py::arg("secret_key"), py::arg("password") = py::none(), py::arg("comment") = "");

  m.def(
      "write_weights",
      [](const std::string& path, const py::list& items, const std::optional<py::dict>& metadata) {
        // items: [(name, contiguous numpy array)], already checked in Python.
        std::vector<safemodel::TensorView> views;
        std::vector<py::array> keep;
        for (auto item : items) {
          auto pair = item.cast<py::tuple>();
          std::string name = pair[0].cast<std::string>();
          py::array a = pair[1].cast<py::array>();
          auto dt = FromNumpy(a.dtype());
          if (!dt) {
            Raise(safemodel::InvalidArgument("weights['" + name + "']: dtype " +
                                             std::string(py::str(a.dtype())) + " cannot be stored"));
          }
          if (!(a.flags() & py::array::c_style)) {
            Raise(safemodel::InvalidArgument("weights['" + name + "']: not C-contiguous"));
          }
          std::vector<uint64_t> shape;
          for (py::ssize_t i = 0; i < a.ndim(); ++i) shape.push_back(static_cast<uint64_t>(a.shape(i)));
          const auto* bytes = static_cast<const std::byte*>(a.data());
          views.push_back({name, *dt, shape, std::span<const std::byte>(bytes, static_cast<size_t>(a.nbytes()))});
          keep.push_back(a);
        }
        safemodel::Metadata meta = MetadataFrom(metadata);
        if (meta.producer.empty()) meta.producer = "safemodel (Python)";
        if (meta.producer_version.empty()) meta.producer_version = std::string(safemodel::Version());
        Check(WithoutGil([&] { return safemodel::WriteWeights(path, meta, views, "numpy"); }));
      },
      py::arg("path"), py::arg("items"), py::arg("metadata") = py::none());
}
