#!/bin/sh
# check-rust-obj.sh OBJ PREFIX : fails unless a Rust object is safe to link
# into a kernel module. An allowlist: only the kernel string functions, the
# return/indirect thunks and the module's own PREFIX_cb_* callbacks may be
# undefined; no SIMD/x87 code, no red zone, no GOT/TLS relocations, no
# constructors, no raw indirect branches.
set -u
o=$1
prefix=$2
fail=0
err() { echo "check-rust-obj: $o: $*" >&2; fail=1; }

allow="^(memcpy|memset|memmove|memcmp|bcmp|strlen|__x86_return_thunk|__x86_indirect_thunk_r[a-z0-9]+|${prefix}_cb_[a-z0-9_]+)$"
for s in $(nm -u "$o" | awk '{print $2}'); do
	echo "$s" | grep -Eq "$allow" && continue
	err "undefined symbol not allowed: $s"
done

dis=$(objdump -d --no-show-raw-insn "$o")
n=$(echo "$dis" | grep -cE '%([xyz]mm[0-9]+|mm[0-7]|st(\([0-7]\))?|k[0-7])\b')
[ "$n" -eq 0 ] || err "$n instructions use SIMD/x87 registers"
n=$(echo "$dis" | awk -F'\t' 'NF>=2 && $2 ~ /^(f[a-z0-9]+|emms|ldmxcsr|stmxcsr|vzeroupper|vzeroall)( |$)/' | wc -l)
[ "$n" -eq 0 ] || err "$n x87/SSE-state instructions"
n=$(echo "$dis" | grep -cE -- '-0x[0-9a-f]+\(%rsp')
[ "$n" -eq 0 ] || err "$n accesses below %rsp (red zone)"
bad=$(readelf -rW "$o" | awk '/R_X86_64_/{print $3}' | sort -u | grep -vE '^R_X86_64_(PC32|PLT32|32S|32|64)$')
[ -z "$bad" ] || err "bad relocation types: $bad"
readelf -SW "$o" | grep -Eq '\.(tdata|tbss|init_array|ctors|fini_array)' && err "TLS/constructor sections present"
n=$(echo "$dis" | grep -cE '(call|jmp)[a-z]* +\*')
[ "$n" -eq 0 ] || err "$n raw indirect call/jmp (retpoline)"
n=$(echo "$dis" | grep -cE '\sret[q]?\s*$')
[ "$n" -eq 0 ] || err "$n bare 'ret' (needs -Zfunction-return=thunk-extern for CONFIG_RETHUNK)"
[ $fail -eq 0 ] || echo "check-rust-obj: $o: REFUSED, not safe to link into the kernel (this Rust compiler does not honour the kernel code-generation flags)" >&2
exit $fail
