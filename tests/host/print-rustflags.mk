# Prints RD_RUSTFLAGS as Kbuild defines them, so the host check uses the
# exact flags of the kernel build.
src := $(TOP)
include $(TOP)/Kbuild
print-rustflags:
	@echo $(RD_RUSTFLAGS)
