// RUN: attn-opt %s --attn-verify-gpu-binary --split-input-file -verify-diagnostics

// A PTX that still declares a libdevice function is refused.
// expected-error@+1 {{PTX of 'k' calls libdevice function '__nv_expf' that was not linked (libdevice missing?)}}
gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 8.0\n.target sm_80\n.extern .func  (.param .b32 func_retval0) __nv_expf\n.visible .entry k()\n{\nret;\n}\n">]

// -----

// expected-error@+1 {{PTX of 'k' has no kernel entry}}
gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 8.0\n.target sm_80\n">]

// -----

// A complete module passes.
gpu.binary @k [#gpu.object<#nvvm.target<chip = "sm_80">, assembly = ".version 8.0\n.target sm_80\n.visible .entry k()\n{\nret;\n}\n">]
