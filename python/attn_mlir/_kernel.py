"""Compiled modules: ahead-of-time shared libraries, cached in memory and on disk.

A module of attn functions is compiled by the C API into a shared library
(the same code path as ``attn-compile -o X.so``: the fused CPU pipeline, the
host CPU, plain-C entry points) and loaded with ctypes. The library is kept
in a disk cache keyed by the compiler build (attnCompilerId), the pipeline,
the CPU and its features, and the IR text, so that another process loads it
instead of compiling. Each cache entry is ``<key>.so`` plus ``<key>.json``,
which records the library's size and SHA-256 and the entry points'
signatures; an entry that fails these checks (or dlopen) is rebuilt.
"""
import ctypes
import hashlib
import json
import os
import shutil
import tempfile
import threading

import numpy as np

from . import _capi
from ._capi import CompileError

CACHE_FORMAT = 1

# numpy dtype of each element type; bf16 travels as uint16 bit patterns.
NP_DTYPES = {"f32": np.dtype(np.float32), "f16": np.dtype(np.float16),
             "bf16": np.dtype(np.uint16), "i1": np.dtype(np.bool_)}
DTYPE_NAMES = {"f32": "float32", "f16": "float16",
               "bf16": "uint16 (bf16 bit patterns)", "i1": "bool"}

_lock = threading.RLock()
_memory = {}          # key -> CompiledModule
_stats = {"memory_hits": 0, "disk_hits": 0, "compiles": 0, "rebuilt": 0}
_cache_dir_override = [False, None]   # [set?, value]
_target = None        # (compiler id, cpu, features)


def default_cache_dir():
    env = os.environ.get("ATTN_MLIR_CACHE_DIR")
    if env is not None:
        return env or None   # empty: no disk cache
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "attn_mlir")


def cache_dir():
    """The disk cache directory in use (None: disk cache disabled)."""
    if _cache_dir_override[0]:
        return _cache_dir_override[1]
    return default_cache_dir()


def set_cache_dir(path):
    """Sets the disk cache directory for this process (None disables it;
    ``set_cache_dir(default)`` restores the environment's choice: pass
    ``...``)."""
    with _lock:
        if path is Ellipsis:
            _cache_dir_override[:] = [False, None]
        else:
            _cache_dir_override[:] = [True, None if path is None else os.fspath(path)]


def cache_info():
    """Counters of this process: in-memory hits, disk-cache hits, compiles,
    corrupt disk entries rebuilt."""
    return dict(_stats)


def clear_memory_cache():
    with _lock:
        _memory.clear()


def _target_id():
    global _target
    if _target is None:
        _target = (_capi.compiler_id(), _capi.host_cpu(), _capi.host_features())
    return _target


def cache_key(text, pipeline, cpu, features, prefix):
    cid, hcpu, hfeat = _target_id()
    if cpu in (None, "", "host"):
        cpu_desc = "host:" + hcpu + ":" + hfeat
    else:
        cpu_desc = cpu
    h = hashlib.sha256()
    for part in ("attn_mlir-cache", str(CACHE_FORMAT), cid, pipeline, cpu_desc,
                 features or "", prefix, text):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_atomically(path, data):
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Function:
    """A C entry point of a compiled module, callable on numpy arrays."""

    def __init__(self, module, lib, sig):
        self._module = module
        self.name = sig["name"]
        self.symbol = sig["symbol"]
        self.args = sig["args"]
        self.results = sig["results"]
        self._arg_dtypes = [NP_DTYPES[a["type"]] for a in self.args]
        self._arg_shapes = [tuple(a["shape"]) for a in self.args]
        self._res_dtypes = [NP_DTYPES[r["type"]] for r in self.results]
        self._static = all(d >= 0 for s in self._arg_shapes for d in s)
        self._res_static = None
        if self._static:
            self._res_static = [self._result_shape(r, self._arg_shapes)
                                for r in self.results]
        cfn = getattr(lib, self.symbol)
        cfn.restype = ctypes.c_int
        argtypes = []
        for a in self.args:
            argtypes.append(ctypes.c_void_p)
            argtypes += [ctypes.c_int64 for d in a["shape"] if d < 0]
        argtypes += [ctypes.c_void_p] * len(self.results)
        cfn.argtypes = argtypes
        self._cfn = cfn

    def __repr__(self):
        def t(x):
            return "tensor<%sx%s>" % ("x".join("?" if d < 0 else str(d)
                                               for d in x["shape"]), x["type"])
        return "<attn_mlir function @%s(%s) -> (%s)>" % (
            self.name, ", ".join(t(a) for a in self.args),
            ", ".join(t(r) for r in self.results))

    @staticmethod
    def _result_shape(r, shapes):
        return tuple(d["const"] if "const" in d else shapes[d["arg"]][d["dim"]]
                     for d in r["dims"])

    def _convert(self, i, x):
        a = self.args[i]
        want = self._arg_dtypes[i]
        if not isinstance(x, np.ndarray):
            x = np.asarray(x)
        if x.dtype != want:
            raise ValueError(
                "@%s argument %d (%s) must be a %s array, got %s"
                % (self.name, i, a["name"], DTYPE_NAMES[a["type"]], x.dtype))
        decl = self._arg_shapes[i]
        if x.ndim != len(decl) or any(d >= 0 and d != s for d, s in zip(decl, x.shape)):
            raise ValueError(
                "@%s argument %d (%s) must have shape %s, got %s"
                % (self.name, i, a["name"],
                   "(" + ", ".join("?" if d < 0 else str(d) for d in decl) + ")",
                   tuple(x.shape)))
        if not (x.flags.c_contiguous and x.flags.aligned):
            x = np.array(x, order="C")
        return x

    def __call__(self, *arrays):
        if len(arrays) != len(self.args):
            raise ValueError("@%s takes %d arguments (%s), got %d"
                             % (self.name, len(self.args),
                                ", ".join(a["name"] for a in self.args),
                                len(arrays)))
        xs = [self._convert(i, x) for i, x in enumerate(arrays)]
        shapes = [x.shape for x in xs]
        res_shapes = self._res_static or [self._result_shape(r, shapes)
                                          for r in self.results]
        outs = [np.empty(s, dt) for s, dt in zip(res_shapes, self._res_dtypes)]
        return self._invoke(xs, outs, shapes)

    def _invoke(self, xs, outs, shapes):
        params = []
        for x, decl in zip(xs, self._arg_shapes):
            params.append(x.ctypes.data)
            params += [x.shape[k] for k, d in enumerate(decl) if d < 0]
        params += [o.ctypes.data for o in outs]
        rc = self._cfn(*params)
        if rc != 0:
            self._raise(rc, shapes)
        return outs[0] if len(outs) == 1 else tuple(outs)

    def _raise(self, rc, shapes):
        if rc == 1:
            msg = "sizes break the shape rules"
            try:
                self._module._parsed().infer_shapes(
                    self.name, shapes, [len(r["shape"]) for r in self.results])
            except CompileError as e:
                msg = str(e)
            raise ValueError("@%s: %s (argument shapes %s)"
                             % (self.name, msg, ", ".join(str(tuple(s)) for s in shapes)))
        if rc == 2:
            raise ValueError("@%s: a tensor pointer is NULL" % self.name)
        if rc == 4:
            # nvvm pipeline: the CUDA runtime library says why.
            msg = "unknown CUDA error"
            try:
                f = self._module._lib.attnCudaLastError
                f.restype = ctypes.c_char_p
                m = f()
                if m:
                    msg = m.decode(errors="replace")
            except AttributeError:
                pass
            raise RuntimeError("@%s: CUDA: %s" % (self.name, msg))
        raise RuntimeError("@%s: internal error %d (result size differs from the "
                           "signature's)" % (self.name, rc))


class CompiledModule:
    """The functions of a compiled module: ``m.main(...)``, ``m["main"]``,
    or ``m(...)`` when there is exactly one."""

    def __init__(self, text, source_name, lib, sigs, path, parsed=None):
        self._text = text
        self._source_name = source_name
        self._lib = lib
        self._parsed_module = parsed
        self.library_path = path
        self.functions = {s["name"]: Function(self, lib, s) for s in sigs}

    def _parsed(self):
        if self._parsed_module is None:
            self._parsed_module = _capi.Module(self._text, self._source_name)
        return self._parsed_module

    def __getitem__(self, name):
        try:
            return self.functions[name]
        except KeyError:
            raise KeyError("no function @%s (the module has %s)"
                           % (name, ", ".join("@" + n for n in self.functions))) from None

    def __getattr__(self, name):
        fns = self.__dict__.get("functions", {})
        if name in fns:
            return fns[name]
        raise AttributeError(name)

    def __iter__(self):
        return iter(self.functions.values())

    def __call__(self, *arrays):
        if len(self.functions) != 1:
            raise TypeError("the module has %d functions; call one by name"
                            % len(self.functions))
        return next(iter(self.functions.values()))(*arrays)

    def __repr__(self):
        return "<attn_mlir module: %s>" % ", ".join(
            repr(f) for f in self.functions.values())


def _try_load(so_path, meta_path, key):
    """The cached library and its signatures, or None if absent or corrupt."""
    if not os.path.exists(meta_path) and not os.path.exists(so_path):
        return None, False
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        if (meta.get("format") != CACHE_FORMAT or meta.get("key") != key
                or os.path.getsize(so_path) != meta["size"]
                or _sha256_file(so_path) != meta["sha256"]):
            return None, True
        lib = ctypes.CDLL(so_path)
        for s in meta["functions"]:
            getattr(lib, s["symbol"])
        return (lib, meta["functions"]), False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, True


def _remove(*paths):
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def _load_library(path):
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        raise CompileError("cannot load the compiled library %s: %s" % (path, e)) from None


def load_module(text, pipeline="cpu", cpu=None, features=None,
                source_name="<attn_mlir>", prefix="attn_"):
    """Compiles `text` (or finds it in the memory or disk cache)."""
    key = cache_key(text, pipeline, cpu, features, prefix)
    m = _memory.get(key)
    if m is not None:
        _stats["memory_hits"] += 1
        return m
    with _lock:
        m = _memory.get(key)
        if m is not None:
            _stats["memory_hits"] += 1
            return m
        d = cache_dir()
        if d is not None:
            try:
                os.makedirs(d, exist_ok=True)
                if not os.access(d, os.W_OK):
                    d = None
            except OSError:
                d = None
        if d is not None:
            so_path = os.path.join(d, key + ".so")
            meta_path = os.path.join(d, key + ".json")
            found, corrupt = _try_load(so_path, meta_path, key)
            if found is not None:
                lib, sigs = found
                _stats["disk_hits"] += 1
                m = CompiledModule(text, source_name, lib, sigs, so_path)
                _memory[key] = m
                return m
            if corrupt:
                _stats["rebuilt"] += 1
                _remove(meta_path, so_path)
        parsed = _capi.Module(text, source_name)
        sigs = parsed.signatures(prefix)
        if d is not None:
            # attnCompile writes the library atomically (temporary + rename);
            # the metadata follows it, so a reader never sees a half entry.
            parsed.compile(so_path, pipeline, cpu, features, prefix)
            _stats["compiles"] += 1
            meta = {"format": CACHE_FORMAT, "key": key,
                    "size": os.path.getsize(so_path),
                    "sha256": _sha256_file(so_path),
                    "compiler": _target_id()[0], "pipeline": pipeline,
                    "cpu": cpu or _target_id()[1], "features": features or "",
                    "functions": sigs}
            _write_atomically(meta_path, json.dumps(meta, indent=1))
            lib = _load_library(so_path)
            path = so_path
        else:
            # No usable disk cache: a private directory, removed once loaded.
            tmpd = tempfile.mkdtemp(prefix="attn_mlir-")
            try:
                path = os.path.join(tmpd, "kernel.so")
                parsed.compile(path, pipeline, cpu, features, prefix)
                _stats["compiles"] += 1
                lib = _load_library(path)
            finally:
                shutil.rmtree(tmpd, ignore_errors=True)
        # The parsed module (an MLIR context) is not kept: it is re-parsed only
        # to explain a rejected call.
        m = CompiledModule(text, source_name, lib, sigs, path)
        _memory[key] = m
        return m
