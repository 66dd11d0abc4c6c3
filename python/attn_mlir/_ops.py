"""attn_mlir.sdpa and attn_mlir.MultiHeadAttention: numpy front ends that
build one attn op with static shapes, compile it once per shape/dtype/flags
(memory + disk cache, see _kernel.py) and call its C entry point."""
import math
import struct

import numpy as np

from . import _kernel

_ELEM = {np.dtype(np.float32): "f32", np.dtype(np.float16): "f16",
         np.dtype(np.uint16): "bf16"}
_DT_DOC = "float32, float16 or uint16 (bf16 bit patterns)"


def to_bf16(x):
    """float array -> uint16 bf16 bit patterns (round to nearest even)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    b = x.view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)
    return np.where(np.isnan(x), np.uint16(0x7FC0), r)


def from_bf16(x):
    """uint16 bf16 bit patterns -> float32."""
    x = np.asarray(x, dtype=np.uint16)
    return (x.astype(np.uint32) << 16).view(np.float32)


def _ttype(shape, elem):
    return "tensor<%s>" % "x".join([str(int(d)) for d in shape] + [elem])


def _f32_attr(x):
    """An exact f32 attribute (hexadecimal bit pattern)."""
    return "0x%08X : f32" % struct.unpack("<I", struct.pack("<f", x))[0]


def _check_scale(scale):
    if scale is None:
        return None
    try:
        s = float(scale)
    except (TypeError, ValueError):
        raise ValueError("scale must be a real number or None, got %r" % (scale,)) from None
    if not math.isfinite(s) or not math.isfinite(float(np.float32(s))):
        raise ValueError("scale must be finite in float32, got %r" % (scale,))
    return s


def _array(x, what):
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "detach") and hasattr(x, "numpy"):   # a torch tensor
        return x.detach().cpu().numpy()
    try:
        return np.asarray(x)
    except Exception as e:
        raise ValueError("%s must be a numpy array: %s" % (what, e)) from None


def _mask_elem(mask, dtype, what="mask"):
    if mask.dtype == np.bool_:
        return "i1"
    if mask.dtype == dtype or mask.dtype == np.float32:
        return _ELEM[mask.dtype]
    raise ValueError(
        "%s must be bool (True = attend), float32 or the data type %s; got %s"
        % (what, dtype, mask.dtype))


def _mask4(mask, what="mask"):
    if not 2 <= mask.ndim <= 4:
        raise ValueError("%s must have 2 to 4 dimensions (Sq, Sk), "
                         "(Hm, Sq, Sk) or (Bm, Hm, Sq, Sk); got shape %s"
                         % (what, mask.shape))
    return (1,) * (4 - mask.ndim) + tuple(mask.shape)


def _dim_err(a, ai, aname, av, b, bi, bname, bv):
    return ValueError("%s dim %d (%s) is %d but %s dim %d (%s) is %d"
                      % (a, ai, aname, av, b, bi, bname, bv))


class _Call:
    """A compiled entry point with its output shape, for the fast path."""
    __slots__ = ("fn", "cfn", "out_shape", "out_dtype", "mask_shape", "zeros")

    def __init__(self, fn, out_shape, out_dtype, mask_shape=None, zeros=False):
        self.fn = fn
        self.cfn = fn._cfn if fn is not None else None
        self.out_shape = out_shape
        self.out_dtype = out_dtype
        self.mask_shape = mask_shape
        self.zeros = zeros

    def __call__(self, arrays):
        out = np.empty(self.out_shape, self.out_dtype)
        if self.cfn is None:            # nothing to compute
            if self.zeros:
                out.fill(0)
            return out
        arrays = [a if a.flags.c_contiguous and a.flags.aligned
                  else np.array(a, order="C") for a in arrays]
        rc = self.cfn(*[a.ctypes.data for a in arrays], out.ctypes.data)
        if rc != 0:  # the function's own report (CUDA: the runtime's message)
            self.fn._raise(rc, [a.shape for a in arrays])
        return out


_sdpa_memo = {}


def _check_pipeline(pipeline):
    if pipeline not in ("cpu", "reference", "nvvm"):
        raise ValueError("unknown pipeline %r (expected cpu, reference or nvvm)"
                         % (pipeline,))
    return pipeline


def sdpa(q, k, v, mask=None, causal=False, scale=None, *, pipeline="cpu"):
    """Scaled dot-product attention (SPEC.md attn.sdpa) on numpy arrays.

    q: (B, H, Sq, D), k: (B, Hkv, Sk, D), v: (B, Hkv, Sk, Dv) with H % Hkv == 0
    (grouped-query attention); float32, float16, or uint16 holding bf16 bit
    patterns (all three the same). mask: bool (True = attend) or additive
    float (the data type or float32), shape (Bm, Hm, Sq, Sk) with Bm in {1, B},
    Hm in {1, H}, or (Sq, Sk) / (Hm, Sq, Sk). causal: bottom-right aligned.
    scale: default 1/sqrt(D). Returns (B, H, Sq, Dv) of q's dtype.
    pipeline: "cpu" (default), "reference" (the unfused oracle lowering) or
    "nvvm" (an NVIDIA GPU through libattn_cuda_runtime; arrays stay on the
    host and are copied for each call).

    The kernel is compiled on first use for these shapes, dtypes and flags
    and cached in memory and on disk (attn_mlir.cache_dir()).
    """
    if (type(q) is np.ndarray and type(k) is np.ndarray and type(v) is np.ndarray
            and (mask is None or type(mask) is np.ndarray)):
        key = (q.dtype.str, q.shape, k.dtype.str, k.shape, v.dtype.str, v.shape,
               None if mask is None else (mask.dtype.str, mask.shape),
               causal, scale, pipeline)
        try:
            call = _sdpa_memo.get(key)
        except TypeError:       # unhashable scale/causal: the slow path says why
            call = None
        if call is not None:
            if mask is None:
                return call((q, k, v))
            if call.mask_shape is not None:
                mask = mask.reshape(call.mask_shape)
            return call((q, k, v, mask))
    else:
        key = None
    q, k, v = _array(q, "query"), _array(k, "key"), _array(v, "value")
    if mask is not None:
        mask = _array(mask, "mask")
    call = _sdpa_build(q, k, v, mask, causal, scale,
                       _check_pipeline(pipeline))
    if key is not None:
        try:
            _sdpa_memo[key] = call
        except TypeError:
            pass
    args = (q, k, v) if mask is None else (q, k, v, mask.reshape(call.mask_shape or mask.shape))
    return call(args)


def _sdpa_build(q, k, v, mask, causal, scale, pipeline="cpu"):
    for name, a in (("query", q), ("key", k), ("value", v)):
        if a.dtype not in _ELEM:
            raise ValueError("%s must be %s; got %s" % (name, _DT_DOC, a.dtype))
        if a.ndim != 4:
            raise ValueError("%s must have 4 dimensions (B, H, S, D); got shape %s"
                             % (name, a.shape))
    if not (q.dtype == k.dtype == v.dtype):
        raise ValueError("query, key and value must have the same dtype; got %s, %s, %s"
                         % (q.dtype, k.dtype, v.dtype))
    if not isinstance(causal, (bool, np.bool_)):
        raise ValueError("causal must be a bool, got %r" % (causal,))
    scale = _check_scale(scale)
    B, H, Sq, D = q.shape
    Hkv, Sk = k.shape[1], k.shape[2]
    if k.shape[0] != B:
        raise _dim_err("key", 0, "B", k.shape[0], "query", 0, "B", B)
    if v.shape[0] != B:
        raise _dim_err("value", 0, "B", v.shape[0], "query", 0, "B", B)
    if v.shape[1] != Hkv:
        raise _dim_err("value", 1, "Hkv", v.shape[1], "key", 1, "Hkv", Hkv)
    if (H % Hkv != 0) if Hkv else H != 0:
        raise ValueError("query dim 1 (H) is %d, not a multiple of key dim 1 (Hkv) %d"
                         % (H, Hkv))
    if k.shape[3] != D:
        raise _dim_err("key", 3, "D", k.shape[3], "query", 3, "D", D)
    if v.shape[2] != Sk:
        raise _dim_err("value", 2, "Sk", v.shape[2], "key", 2, "Sk", Sk)
    elem = _ELEM[q.dtype]
    out_shape = (B, H, Sq, v.shape[3])
    mshape = None
    if mask is not None:
        melem = _mask_elem(mask, q.dtype)
        mshape = _mask4(mask)
        if mshape[0] not in (1, B):
            raise ValueError("mask dim 0 (Bm) is %d; it must be 1 or query dim 0 (B) %d"
                             % (mshape[0], B))
        if mshape[1] not in (1, H):
            raise ValueError("mask dim 1 (Hm) is %d; it must be 1 or query dim 1 (H) %d"
                             % (mshape[1], H))
        if mshape[2] != Sq:
            raise _dim_err("mask", 2, "Sq", mshape[2], "query", 2, "Sq", Sq)
        if mshape[3] != Sk:
            raise _dim_err("mask", 3, "Sk", mshape[3], "key", 2, "Sk", Sk)
    if 0 in out_shape or Sk == 0 or D == 0:
        # Nothing to compute, or every key hidden: zeros (SPEC.md 1.1).
        return _Call(None, out_shape, q.dtype, mshape, zeros=True)
    attrs = []
    if scale is not None:
        attrs.append("scale = " + _f32_attr(scale))
    if causal:
        attrs.append("causal")
    qt, kt, vt = _ttype(q.shape, elem), _ttype(k.shape, elem), _ttype(v.shape, elem)
    ot = _ttype(out_shape, elem)
    types = [qt, kt, vt]
    params = "%%q: %s, %%k: %s, %%v: %s" % (qt, kt, vt)
    mpart = ""
    if mask is not None:
        mt = _ttype(mshape, melem)
        types.append(mt)
        params += ", %%mask: %s" % mt
        mpart = " mask %mask"
    text = ("func.func @sdpa(%s) -> %s {\n"
            "  %%o = attn.sdpa %%q, %%k, %%v%s%s\n"
            "       : (%s) -> %s\n"
            "  return %%o : %s\n}\n"
            % (params, ot, mpart, (" {" + ", ".join(attrs) + "}") if attrs else "",
               ", ".join(types), ot, ot))
    fn = _kernel.load_module(text, pipeline,
                             source_name="<attn_mlir.sdpa>")["sdpa"]
    return _Call(fn, out_shape, q.dtype, mshape)


_LAYER_DTYPES = {"float32": np.float32, "f32": np.float32, "float16": np.float16,
                 "f16": np.float16, "bfloat16": np.uint16, "bf16": np.uint16}


def _layer_dtype(dtype):
    if isinstance(dtype, str):
        if dtype not in _LAYER_DTYPES:
            raise ValueError("dtype must be float32, float16 or bfloat16; got %r" % dtype)
        return np.dtype(_LAYER_DTYPES[dtype])
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ValueError("dtype must be float32, float16 or bfloat16; got %r" % (dtype,)) from None
    if dt not in _ELEM:
        raise ValueError("dtype must be float32, float16 or bfloat16 "
                         "(uint16 bit patterns); got %s" % dt)
    return dt


def _positive_int(x, what):
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) or x <= 0:
        raise ValueError("%s must be a positive integer, got %r" % (what, x))
    return int(x)


class MultiHeadAttention:
    """A multi-head attention layer (SPEC.md attn.mha) holding numpy weights.

    MultiHeadAttention(d_model, num_heads, num_kv_heads=None, d_k=None,
                       d_v=None, bias=True, causal=False, residual=False,
                       *, scale=None, dtype="float32", seed=0,
                       pipeline="cpu")

    Weights use the math layout ``y = x @ w``: wq (d_model, H*d_k),
    wk (d_model, Hkv*d_k), wv (d_model, Hkv*d_v), wo (H*d_v, d_model);
    biases bq, bk, bv, bo. d_k defaults to d_model // num_heads, d_v to d_k.
    Weights are initialized like PyTorch's (Xavier-uniform, zero biases)
    from `seed`; load trained ones with load_state_dict(). For dtype
    "bfloat16" the arrays hold uint16 bit patterns.

    layer(x, memory=None, mask=None): x (B, S, d_model) (or (S, d_model));
    memory (B, Skv, d_model) for cross-attention; mask bool (True = attend,
    the opposite of PyTorch's attn_mask) or additive float, shape
    (Bm, Hm, S, Skv) with Bm in {1, B}, Hm in {1, H}, or (S, Skv) /
    (Hm, S, Skv). pipeline: as for sdpa(); "nvvm" runs the whole layer
    (projections and attention) on an NVIDIA GPU.
    """

    def __init__(self, d_model, num_heads, num_kv_heads=None, d_k=None, d_v=None,
                 bias=True, causal=False, residual=False, *, scale=None,
                 dtype="float32", seed=0, pipeline="cpu"):
        self.d_model = _positive_int(d_model, "d_model")
        self.num_heads = _positive_int(num_heads, "num_heads")
        self.num_kv_heads = (self.num_heads if num_kv_heads is None
                             else _positive_int(num_kv_heads, "num_kv_heads"))
        if self.num_heads % self.num_kv_heads:
            raise ValueError("num_heads (%d) must be a multiple of num_kv_heads (%d)"
                             % (self.num_heads, self.num_kv_heads))
        if d_k is None:
            if self.d_model % self.num_heads:
                raise ValueError("d_model (%d) is not a multiple of num_heads (%d); "
                                 "give d_k" % (self.d_model, self.num_heads))
            d_k = self.d_model // self.num_heads
        self.d_k = _positive_int(d_k, "d_k")
        self.d_v = self.d_k if d_v is None else _positive_int(d_v, "d_v")
        self.bias = bool(bias)
        self.causal = bool(causal)
        self.residual = bool(residual)
        self.scale = _check_scale(scale)
        self.dtype = _layer_dtype(dtype)
        self.pipeline = _check_pipeline(pipeline)
        self._kernels = {}
        E, H, Hkv, Dk, Dv = (self.d_model, self.num_heads, self.num_kv_heads,
                             self.d_k, self.d_v)
        rng = np.random.default_rng(seed)

        def xavier(fan_in, fan_out):
            lim = math.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-lim, lim, (fan_in, fan_out))

        self.wq = self._cast(xavier(E, H * Dk))
        self.wk = self._cast(xavier(E, Hkv * Dk))
        self.wv = self._cast(xavier(E, Hkv * Dv))
        self.wo = self._cast(xavier(H * Dv, E))
        if self.bias:
            self.bq = self._cast(np.zeros(H * Dk))
            self.bk = self._cast(np.zeros(Hkv * Dk))
            self.bv = self._cast(np.zeros(Hkv * Dv))
            self.bo = self._cast(np.zeros(E))
        else:
            self.bq = self.bk = self.bv = self.bo = None

    def __repr__(self):
        return ("MultiHeadAttention(d_model=%d, num_heads=%d, num_kv_heads=%d, d_k=%d, "
                "d_v=%d, bias=%s, causal=%s, residual=%s, dtype=%s)"
                % (self.d_model, self.num_heads, self.num_kv_heads, self.d_k, self.d_v,
                   self.bias, self.causal, self.residual,
                   "bfloat16" if self.dtype == np.uint16 else self.dtype))

    def _cast(self, a):
        if self.dtype == np.uint16:
            if np.asarray(a).dtype == np.uint16:
                return np.ascontiguousarray(a)
            return to_bf16(np.asarray(a, np.float64).astype(np.float32))
        return np.ascontiguousarray(np.asarray(a), dtype=self.dtype)

    # -- parameters -------------------------------------------------------

    def _shapes(self):
        E, H, Hkv, Dk, Dv = (self.d_model, self.num_heads, self.num_kv_heads,
                             self.d_k, self.d_v)
        s = {"wq": (E, H * Dk), "wk": (E, Hkv * Dk), "wv": (E, Hkv * Dv),
             "wo": (H * Dv, E)}
        if self.bias:
            s.update({"bq": (H * Dk,), "bk": (Hkv * Dk,), "bv": (Hkv * Dv,), "bo": (E,)})
        return s

    def _weight_shapes(self):
        ws = self.__dict__.get("_wshapes")
        if ws is None:
            ws = self._wshapes = list(self._shapes().items())
        return ws

    def state_dict(self):
        """The parameters under this class's names (wq, ..., bo), math layout."""
        return {n: getattr(self, n).copy() for n in self._shapes()}

    def load_state_dict(self, state_dict, strict=True):
        """Loads weights named as in

        - PyTorch nn.MultiheadAttention: in_proj_weight (3E, E), in_proj_bias,
          out_proj.weight, out_proj.bias (or q_proj_weight/k_proj_weight/
          v_proj_weight);
        - tutorial SelfAttention modules: w_q, w_k, w_v, fc_out (or w_o)
          .weight/.bias, and q_proj/k_proj/v_proj/out_proj .weight/.bias;
        - this class: wq, wk, wv, wo, bq, bk, bv, bo.

        nn.Linear weights are (out, in) and are transposed to (in, out). Keys
        may share a prefix ("attn.", "layers.0.self_attn."). Values may be
        numpy arrays or torch tensors. With strict, missing or unexpected keys
        raise ValueError; shapes are always checked.
        """
        if not hasattr(state_dict, "items"):
            raise ValueError("load_state_dict expects a mapping of names to arrays")
        sd = {str(k): _array(v, str(k)) for k, v in state_dict.items()}
        sd = _strip_prefix(sd)
        params, used = _translate(sd, self)
        want = self._shapes()
        unexpected = sorted(set(sd) - used)
        missing = sorted(n for n in want if n not in params)
        extra = sorted(n for n in params if n not in want)
        if strict and (unexpected or missing or extra):
            parts = []
            if missing:
                parts.append("missing %s" % ", ".join(missing))
            if extra:
                parts.append("%s given but the layer has bias=False" % ", ".join(extra))
            if unexpected:
                parts.append("unexpected keys %s" % ", ".join(unexpected))
            raise ValueError("load_state_dict: " + "; ".join(parts))
        new = {}
        for n, a in params.items():
            if n not in want:
                continue
            if tuple(a.shape) != want[n]:
                raise ValueError("load_state_dict: %s has shape %s, expected %s for %r"
                                 % (n, tuple(a.shape), want[n], self))
            if a.dtype.kind not in "fu" or (a.dtype.kind == "u" and self.dtype != np.uint16):
                raise ValueError("load_state_dict: %s must be a float array, got %s"
                                 % (n, a.dtype))
            new[n] = self._cast(a)
        for n, a in new.items():
            setattr(self, n, a)
        return self

    # -- forward ----------------------------------------------------------

    def __call__(self, x, memory=None, mask=None):
        x = _array(x, "x")
        if memory is not None:
            memory = _array(memory, "memory")
        squeeze = False
        if x.ndim == 2:
            x, squeeze = x[None], True
            if memory is not None and memory.ndim == 2:
                memory = memory[None]
        args = [x]
        for n, shape in self._weight_shapes():
            w = getattr(self, n)
            if type(w) is not np.ndarray or w.shape != shape or w.dtype != self.dtype:
                raise ValueError("layer parameter %s must be a %s array of shape %s"
                                 % (n, self.dtype, shape))
            args.append(w)
        if mask is not None:
            mask = _array(mask, "mask")
        # The flags are part of the key: they may be changed between calls.
        key = (x.dtype.str, x.shape,
               None if memory is None else (memory.dtype.str, memory.shape),
               None if mask is None else (mask.dtype.str, mask.shape),
               self.causal, self.residual, self.scale, self.pipeline)
        call = self._kernels.get(key)
        if call is None:
            call = self._build(x, memory, mask)
            self._kernels[key] = call
        if memory is not None:
            args.append(memory)
        if mask is not None:
            args.append(mask.reshape(call.mask_shape))
        y = call(args)
        return y[0] if squeeze else y

    def _build(self, x, memory, mask):
        E, H, Hkv = self.d_model, self.num_heads, self.num_kv_heads
        if x.dtype != self.dtype:
            raise ValueError("x must be %s like the layer's weights; got %s"
                             % ("uint16 (bf16 bit patterns)" if self.dtype == np.uint16
                                else self.dtype, x.dtype))
        if x.ndim != 3 or x.shape[2] != E:
            raise ValueError("x must have shape (B, S, %d) or (S, %d); got %s"
                             % (E, E, x.shape))
        B, S = x.shape[0], x.shape[1]
        Skv = S
        if memory is not None:
            if memory.dtype != self.dtype:
                raise ValueError("memory must have the dtype of x (%s); got %s"
                                 % (self.dtype, memory.dtype))
            if memory.ndim != 3 or memory.shape[0] != B or memory.shape[2] != E:
                raise ValueError("memory must have shape (%d, Skv, %d); got %s"
                                 % (B, E, memory.shape))
            Skv = memory.shape[1]
        mshape = None
        if mask is not None:
            melem = _mask_elem(mask, self.dtype)
            mshape = _mask4(mask)
            if mshape[0] not in (1, B) or mshape[1] not in (1, H) or \
                    mshape[2] != S or mshape[3] != Skv:
                raise ValueError(
                    "mask has shape %s; expected (Bm, Hm, %d, %d) with Bm in {1, %d}, "
                    "Hm in {1, %d} (or the trailing 2 or 3 of those dimensions)"
                    % (mask.shape, S, Skv, B, H))
        out_shape = (B, S, E)
        if 0 in (B, S):
            return _Call(None, out_shape, self.dtype, mshape)
        if Skv == 0:
            raise ValueError("memory has no rows (Skv = 0)")
        elem = _ELEM[self.dtype]
        names = ["x", "wq", "wk", "wv", "wo"]
        shapes = [x.shape] + [getattr(self, n).shape for n in names[1:]]
        elems = [elem] * 5
        if self.bias:
            for n in ("bq", "bk", "bv", "bo"):
                names.append(n)
                shapes.append(getattr(self, n).shape)
                elems.append(elem)
        if memory is not None:
            names.append("memory")
            shapes.append(memory.shape)
            elems.append(elem)
        if mask is not None:
            names.append("mask")
            shapes.append(mshape)
            elems.append(melem)
        types = [_ttype(s, e) for s, e in zip(shapes, elems)]
        ot = _ttype(out_shape, elem)
        ops = "%x, %wq, %wk, %wv, %wo"
        if self.bias:
            ops += " bias(%bq, %bk, %bv, %bo)"
        if memory is not None:
            ops += " memory %memory"
        if mask is not None:
            ops += " mask %mask"
        attrs = ["num_heads = %d : i64" % H]
        if Hkv != H:
            attrs.append("num_kv_heads = %d : i64" % Hkv)
        if self.scale is not None:
            attrs.append("scale = " + _f32_attr(self.scale))
        if self.causal:
            attrs.append("causal")
        if self.residual:
            attrs.append("residual")
        text = ("func.func @mha(%s) -> %s {\n"
                "  %%y = attn.mha %s {%s}\n"
                "       : (%s) -> %s\n"
                "  return %%y : %s\n}\n"
                % (", ".join("%%%s: %s" % (n, t) for n, t in zip(names, types)), ot,
                   ops, ", ".join(attrs), ", ".join(types), ot, ot))
        fn = _kernel.load_module(
            text, _check_pipeline(self.pipeline),
            source_name="<attn_mlir.MultiHeadAttention>")["mha"]
        return _Call(fn, out_shape, self.dtype, mshape)


# Parameter names of the layouts load_state_dict accepts. Each maps a key
# to (our name, transpose?) or is handled specially (in_proj_*).
_LINEAR = {"w_q": "q", "w_k": "k", "w_v": "v", "fc_out": "o", "w_o": "o",
           "q_proj": "q", "k_proj": "k", "v_proj": "v", "out_proj": "o"}
_DIRECT = {"wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"}
_TORCH_MHA = {"in_proj_weight", "in_proj_bias", "q_proj_weight", "k_proj_weight",
              "v_proj_weight", "bias_k", "bias_v"}


def _known(key):
    if key in _DIRECT or key in _TORCH_MHA:
        return True
    mod, _, leaf = key.rpartition(".")
    return mod in _LINEAR and leaf in ("weight", "bias")


def _known_suffix(key):
    for cand in sorted(_DIRECT | _TORCH_MHA, key=len, reverse=True):
        if key == cand or key.endswith("." + cand):
            return cand
    for mod in _LINEAR:
        for leaf in ("weight", "bias"):
            cand = mod + "." + leaf
            if key == cand or key.endswith("." + cand):
                return cand
    return None


def _strip_prefix(sd):
    if all(_known(k) for k in sd):
        return sd
    prefixes = set()
    for k in sd:
        s = _known_suffix(k)
        if s is not None:
            prefixes.add(k[:len(k) - len(s)])
    if len(prefixes) == 1:
        p = prefixes.pop()
        return {(k[len(p):] if k.startswith(p) else k): v for k, v in sd.items()}
    return sd


def _translate(sd, layer):
    """Our parameters from a state dict; also the keys that were used."""
    out, used = {}, set()
    if "bias_k" in sd or "bias_v" in sd:
        raise ValueError("load_state_dict: add_bias_kv (bias_k/bias_v) is not "
                         "supported by attn.mha")
    if "in_proj_weight" in sd:
        w = sd["in_proj_weight"]
        if w.ndim != 2 or w.shape[0] % 3:
            raise ValueError("load_state_dict: in_proj_weight has shape %s, expected "
                             "(3*E, E)" % (w.shape,))
        n = w.shape[0] // 3
        out["wq"], out["wk"], out["wv"] = w[:n].T, w[n:2 * n].T, w[2 * n:].T
        used.add("in_proj_weight")
    for c in "qkv":
        if c + "_proj_weight" in sd:
            out["w" + c] = sd[c + "_proj_weight"].T
            used.add(c + "_proj_weight")
    if "in_proj_bias" in sd:
        b = sd["in_proj_bias"]
        sizes = [layer.num_heads * layer.d_k, layer.num_kv_heads * layer.d_k,
                 layer.num_kv_heads * layer.d_v]
        if b.ndim != 1 or b.shape[0] != sum(sizes):
            raise ValueError("load_state_dict: in_proj_bias has shape %s, expected (%d,)"
                             % (b.shape, sum(sizes)))
        out["bq"], out["bk"], out["bv"] = (b[:sizes[0]], b[sizes[0]:sizes[0] + sizes[1]],
                                           b[sizes[0] + sizes[1]:])
        used.add("in_proj_bias")
    for key, a in sd.items():
        if key in _DIRECT:
            out[key] = a
            used.add(key)
            continue
        mod, _, leaf = key.rpartition(".")
        if mod in _LINEAR and leaf in ("weight", "bias"):
            c = _LINEAR[mod]
            if leaf == "weight":
                if a.ndim != 2:
                    raise ValueError("load_state_dict: %s must be 2-D (out, in); got "
                                     "shape %s" % (key, a.shape))
                out["w" + c] = a.T
            else:
                out["b" + c] = a
            used.add(key)
    return out, used
