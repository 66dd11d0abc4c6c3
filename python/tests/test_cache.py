"""The disk cache: a second process loads the library instead of compiling;
corrupt entries are detected and rebuilt; no cache still works."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import attn_mlir

PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(attn_mlir.__file__)))

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import attn_mlir
    from attn_mlir import reference
    rng = np.random.default_rng(7)
    q, k, v = (rng.uniform(-1, 1, (1, 2, 24, 32)).astype(np.float32) for _ in range(3))
    o = attn_mlir.sdpa(q, k, v, causal=True)
    err = float(np.abs(o - reference.sdpa(q, k, v, causal=True)).max())
    print(json.dumps(dict(attn_mlir.cache_info(), err=err)))
""")


def run_child(cache):
    env = dict(os.environ, ATTN_MLIR_CACHE_DIR=str(cache),
               PYTHONPATH=PKG_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout.strip().splitlines()[-1])
    assert info["err"] <= 2e-4
    return info


def entries(cache):
    return sorted(f for f in os.listdir(cache) if not f.startswith("."))


def test_second_process_hits_the_disk_cache(tmp_path):
    first = run_child(tmp_path)
    assert first["compiles"] == 1 and first["disk_hits"] == 0
    names = entries(tmp_path)
    assert len(names) == 2 and names[0].endswith(".json") and names[1].endswith(".so")
    meta = json.loads((tmp_path / names[0]).read_text())
    assert meta["size"] == os.path.getsize(tmp_path / names[1])
    assert meta["functions"][0]["symbol"] == "attn_sdpa"
    second = run_child(tmp_path)
    assert second["compiles"] == 0 and second["disk_hits"] == 1 and second["rebuilt"] == 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "meta-json", "meta-size",
                                    "no-so", "no-meta"])
def test_corrupt_entry_is_rebuilt(tmp_path, damage):
    run_child(tmp_path)
    meta_name, so_name = entries(tmp_path)
    so, meta = tmp_path / so_name, tmp_path / meta_name
    original = so.read_bytes()
    data = bytearray(original)
    if damage == "flip":
        # A byte inside the code: the library would still load, and run wrong.
        data[len(data) // 2] ^= 0xFF
        so.write_bytes(bytes(data))
    elif damage == "truncate":
        so.write_bytes(bytes(data[:len(data) // 3]))
    elif damage == "empty":
        so.write_bytes(b"")
    elif damage == "meta-json":
        meta.write_text("{not json")
    elif damage == "meta-size":
        m = json.loads(meta.read_text())
        m["size"] += 1
        meta.write_text(json.dumps(m))
    elif damage == "no-so":
        so.unlink()
    elif damage == "no-meta":
        meta.unlink()
    info = run_child(tmp_path)
    assert info["compiles"] == 1 and info["rebuilt"] == 1 and info["disk_hits"] == 0
    # The rebuilt entry is the same library again (compilation is deterministic).
    assert so.read_bytes() == original
    again = run_child(tmp_path)
    assert again["compiles"] == 0 and again["disk_hits"] == 1


def test_in_process_cache_dir_switch_and_no_disk_cache(tmp_path, rng):
    q = rng.uniform(-1, 1, (1, 1, 5, 16)).astype(np.float32)
    try:
        attn_mlir.set_cache_dir(tmp_path / "a")
        assert attn_mlir.cache_dir() == str(tmp_path / "a")
        attn_mlir.clear_memory_cache()
        attn_mlir._ops._sdpa_memo.clear()
        before = attn_mlir.cache_info()
        o1 = attn_mlir.sdpa(q, q, q)
        assert attn_mlir.cache_info()["compiles"] == before["compiles"] + 1
        assert len(entries(tmp_path / "a")) == 2
        # The memory cache dropped: the disk entry is loaded, not compiled.
        attn_mlir.clear_memory_cache()
        attn_mlir._ops._sdpa_memo.clear()
        o2 = attn_mlir.sdpa(q, q, q)
        after = attn_mlir.cache_info()
        assert after["compiles"] == before["compiles"] + 1
        assert after["disk_hits"] == before["disk_hits"] + 1
        assert np.array_equal(o1, o2)
        # No disk cache: compiled into a private directory, nothing left.
        attn_mlir.set_cache_dir(None)
        attn_mlir.clear_memory_cache()
        attn_mlir._ops._sdpa_memo.clear()
        o3 = attn_mlir.sdpa(q, q, q, causal=True)
        assert o3.shape == q.shape
    finally:
        attn_mlir.set_cache_dir(...)
    assert attn_mlir.cache_dir() == os.environ["ATTN_MLIR_CACHE_DIR"]


def test_unwritable_cache_dir_falls_back(tmp_path, rng):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    if os.access(ro, os.W_OK):       # running as root: permissions do not bind
        pytest.skip("cannot make a read-only directory as this user")
    try:
        attn_mlir.set_cache_dir(ro)
        q = rng.uniform(-1, 1, (1, 1, 3, 16)).astype(np.float32)
        attn_mlir.clear_memory_cache()
        assert attn_mlir.sdpa(q, q, q, scale=0.5).shape == q.shape
        assert entries(ro) == []
    finally:
        attn_mlir.set_cache_dir(...)
        ro.chmod(0o700)


def test_cache_dir_that_is_a_file_falls_back(tmp_path, rng):
    f = tmp_path / "not-a-dir"
    f.write_text("x")
    try:
        attn_mlir.set_cache_dir(f)
        attn_mlir.clear_memory_cache()
        q = rng.uniform(-1, 1, (1, 1, 3, 16)).astype(np.float32)
        assert attn_mlir.sdpa(q, q, q, scale=0.25).shape == q.shape
        assert f.read_text() == "x"
    finally:
        attn_mlir.set_cache_dir(...)
