# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "ATTN"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "expect_exit.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.attn_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

# Our tools first, then LLVM's (FileCheck, not, count).
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.attn_tools_dir, append_path=True)

# Debian's python3 has numpy; use_default_substitutions() defined %python as
# whatever runs lit, and lit applies the first match: put ours first.
config.substitutions.insert(0, ("%python", "/usr/bin/python3"))
config.substitutions.append(("%examples", os.path.join(config.attn_src_root, "examples")))
# The attn_mlir Python package of this build (PYTHONPATH=%attn_python).
config.substitutions.append(("%attn_python", os.path.join(config.attn_obj_root, "python")))
tools = ["attn-opt", "attn-run", "attn-compile"]
llvm_config.add_tool_substitutions(tools, [config.attn_tools_dir])

# `%expect_exit N cmd...` runs cmd and fails unless it exits with exactly N
# (lit's `not` only knows zero / non-zero; SPEC.md fixes 0, 1 and 2).
config.substitutions.append(
    ("%expect_exit", "/usr/bin/python3 " + os.path.join(config.test_source_root, "expect_exit.py")))

# The NVVM pipeline needs the CUDA toolkit (libdevice; ptxas to assemble the
# PTX it emits). Tests that need them say `REQUIRES: cuda-toolkit` / `ptxas`.
def _find_cuda():
    for var in ("CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"):
        if os.environ.get(var):
            yield os.environ[var]
    yield "/usr/local/cuda"
for _root in _find_cuda():
    if os.path.exists(os.path.join(_root, "nvvm", "libdevice", "libdevice.10.bc")):
        config.available_features.add("cuda-toolkit")
        config.substitutions.append(("%cuda_root", _root))
        _ptxas = os.path.join(_root, "bin", "ptxas")
        if os.access(_ptxas, os.X_OK):
            config.available_features.add("ptxas")
            config.substitutions.append(("%ptxas", _ptxas))
        break

# libattn_cuda_runtime (runtime/cuda), built where cuda.h was found.
_rt = os.path.join(config.attn_obj_root, "lib", "libattn_cuda_runtime.so")
if os.path.exists(_rt):
    config.available_features.add("attn-cuda-runtime")
    config.substitutions.append(("%cuda_runtime_dir", os.path.dirname(_rt)))

# libattn_cuda_emulator (runtime/cuda/emulator): the CUDA driver API over the
# PTX interpreter, so that --target=nvptx artefacts run without a GPU
# (ATTN_CUDA_DRIVER_LIBRARY=%cuda_emulator).
_emu = os.path.join(config.attn_obj_root, "lib", "libattn_cuda_emulator.so")
if os.path.exists(_emu) and os.path.exists(_rt):
    config.available_features.add("ptx-emulator")
    config.substitutions.append(("%cuda_emulator", _emu))

# Sanitizer builds (`make test-asan`): a Python host process cannot load the
# instrumented libraries (the ASan runtime must come first).
if getattr(config, "attn_sanitize", "").upper() in ("ON", "TRUE", "1", "YES"):
    config.available_features.add("asan")
