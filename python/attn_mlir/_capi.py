"""ctypes binding of libAttnC.so, the C API of the compiler (include/attn-c/AttnC.h).

The library is loaded on first use, not at import: compiled kernels that are
already in memory never need it.
"""
import ctypes
import os
import threading

_lock = threading.Lock()
_lib = None


class CompileError(RuntimeError):
    """The compiler rejected the IR or failed to compile it; the message is
    its diagnostic (``file:line:col: message`` where it has a location)."""


def _candidates():
    env = os.environ.get("ATTN_MLIR_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _config  # written by the build next to the built package
        yield _config.LIBRARY
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    yield os.path.join(root, "build", "lib", "libAttnC.so")


def library_path():
    tried = []
    for path in _candidates():
        if os.path.isfile(path):
            return path
        tried.append(path)
    raise CompileError(
        "cannot find libAttnC.so (tried %s); build attn-mlir (`make`) or set "
        "ATTN_MLIR_LIBRARY" % ", ".join(tried))


def _declare(lib):
    c_char_pp = ctypes.POINTER(ctypes.c_void_p)
    sig = {
        "attnApiVersion": (ctypes.c_int, []),
        "attnVersion": (ctypes.c_char_p, []),
        "attnCompilerId": (ctypes.c_char_p, []),
        "attnHostCpu": (ctypes.c_char_p, []),
        "attnHostFeatures": (ctypes.c_char_p, []),
        "attnParse": (ctypes.c_void_p, [ctypes.c_char_p, ctypes.c_size_t,
                                        ctypes.c_char_p, c_char_pp]),
        "attnModuleDestroy": (None, [ctypes.c_void_p]),
        "attnSignatures": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p,
                                             c_char_pp]),
        "attnLower": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p,
                                        c_char_pp]),
        "attnCompile": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p,
                                       ctypes.c_char_p, ctypes.c_char_p,
                                       ctypes.c_char_p, ctypes.c_char_p,
                                       c_char_pp]),
        "attnInferShapes": (ctypes.c_int, [ctypes.c_void_p, ctypes.c_char_p,
                                           ctypes.POINTER(ctypes.c_int64),
                                           ctypes.c_size_t,
                                           ctypes.POINTER(ctypes.c_int64),
                                           ctypes.c_size_t, c_char_pp]),
        "attnSetNumThreads": (None, [ctypes.c_int]),
        "attnGetMaxThreads": (ctypes.c_int, []),
        "attnFree": (None, [ctypes.c_void_p]),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args


def lib():
    global _lib
    if _lib is None:
        with _lock:
            if _lib is None:
                path = library_path()
                try:
                    l = ctypes.CDLL(path)
                    _declare(l)
                except (OSError, AttributeError) as e:
                    raise CompileError("cannot load %s: %s" % (path, e)) from None
                if l.attnApiVersion() != 1:
                    raise CompileError("%s has C API version %d, expected 1"
                                       % (path, l.attnApiVersion()))
                _lib = l
    return _lib


def _take_string(ptr):
    """Copies and frees a malloc'd string from the library."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8", "replace")
    finally:
        lib().attnFree(ptr)


def _check(ok, err):
    if not ok:
        msg = _take_string(err.value) or "unknown compiler error"
        raise CompileError(msg)


def version():
    return lib().attnVersion().decode()


def compiler_id():
    return lib().attnCompilerId().decode()


def host_cpu():
    return lib().attnHostCpu().decode()


def host_features():
    return lib().attnHostFeatures().decode()


def set_num_threads(n):
    lib().attnSetNumThreads(int(n))


def get_max_threads():
    return lib().attnGetMaxThreads()


class Module:
    """A parsed, verified module (owns its MLIR context)."""

    def __init__(self, text, source_name="<string>"):
        if isinstance(text, str):
            text = text.encode("utf-8")
        l = lib()
        err = ctypes.c_void_p()
        self._h = l.attnParse(text, len(text), source_name.encode(), ctypes.byref(err))
        _check(self._h, err)

    def __del__(self):
        h, self._h = getattr(self, "_h", None), None
        if h and _lib is not None:
            _lib.attnModuleDestroy(h)

    def signatures(self, prefix="attn_"):
        import json
        err = ctypes.c_void_p()
        p = lib().attnSignatures(self._h, prefix.encode(), ctypes.byref(err))
        _check(p, err)
        return json.loads(_take_string(p))

    def lower(self, pipeline):
        err = ctypes.c_void_p()
        p = lib().attnLower(self._h, pipeline.encode(), ctypes.byref(err))
        _check(p, err)
        return _take_string(p)

    def compile(self, out_path, pipeline="cpu", cpu=None, features=None,
                prefix="attn_"):
        enc = lambda s: None if s is None else s.encode()
        err = ctypes.c_void_p()
        rc = lib().attnCompile(self._h, os.fsencode(out_path), enc(pipeline),
                               enc(cpu), enc(features), enc(prefix),
                               ctypes.byref(err))
        _check(rc == 0, err)

    def infer_shapes(self, function, arg_shapes, result_ranks):
        """Result shapes of a call, or CompileError with the shape rule broken."""
        flat = [int(d) for s in arg_shapes for d in s]
        nres = sum(result_ranks)
        a = (ctypes.c_int64 * max(1, len(flat)))(*flat)
        r = (ctypes.c_int64 * max(1, nres))()
        err = ctypes.c_void_p()
        rc = lib().attnInferShapes(self._h, function.encode(), a, len(flat), r,
                                   nres, ctypes.byref(err))
        _check(rc == 0, err)
        out, pos = [], 0
        for k in result_ranks:
            out.append(tuple(r[pos:pos + k]))
            pos += k
        return out
