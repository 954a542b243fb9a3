// SPDX-License-Identifier: GPL-2.0
/*
 * rd_nopage.c - test-only fault injection for the VM tests: makes
 * rapiddisk.ko's spare-page allocation (rd_alloc_spare) fail, so that the
 * paths taken when a RAM disk write finds no page can be driven on Debian's
 * kernels, which have no page allocation fault injection built in.
 *
 * A kretprobe on rd_alloc_spare: when a call is chosen to fail, the page it
 * got is freed again and NULL returned instead. Parameters (writable):
 *   nowait_every=N    fail every Nth allocation that may not sleep (0: none)
 *   sleeping_every=N  the same for allocations that may sleep
 *   failed            (read-only) allocations made to fail so far
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/gfp.h>
#include <linux/atomic.h>

static unsigned int nowait_every;
module_param(nowait_every, uint, 0644);
MODULE_PARM_DESC(nowait_every, "fail every Nth non-sleeping spare-page allocation (0: none)");

static unsigned int sleeping_every;
module_param(sleeping_every, uint, 0644);
MODULE_PARM_DESC(sleeping_every, "fail every Nth sleeping spare-page allocation (0: none)");

static atomic_t failed = ATOMIC_INIT(0);
static atomic_t seen_nowait = ATOMIC_INIT(0);
static atomic_t seen_sleeping = ATOMIC_INIT(0);

static int failed_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&failed));
}

static const struct kernel_param_ops failed_ops = { .get = failed_get };
module_param_cb(failed, &failed_ops, NULL, 0444);
MODULE_PARM_DESC(failed, "spare-page allocations made to fail so far");

/* entry: pick the calls to fail; 0 arms the return handler, 1 skips it */
static int nopage_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	gfp_t gfp = (gfp_t)regs_get_kernel_argument(regs, 0);
	bool sleeping = gfpflags_allow_blocking(gfp);
	unsigned int every = READ_ONCE(*(sleeping ? &sleeping_every : &nowait_every));
	atomic_t *seen = sleeping ? &seen_sleeping : &seen_nowait;

	if (!every)
		return 1;
	return (unsigned int)atomic_inc_return(seen) % every ? 1 : 0;
}

static int nopage_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long page = regs_return_value(regs);

	if (page) {
		free_page(page);
		regs_set_return_value(regs, 0);
		atomic_inc(&failed);
	}
	return 0;
}

static struct kretprobe nopage_probe = {
	.kp.symbol_name = "rd_alloc_spare",
	.entry_handler = nopage_entry,
	.handler = nopage_return,
	.maxactive = 64,
};

static int __init nopage_init(void)
{
	int ret = register_kretprobe(&nopage_probe);

	if (ret)
		pr_err("rd_nopage: cannot probe rd_alloc_spare (is rapiddisk.ko loaded?): %d\n", ret);
	return ret;
}

static void __exit nopage_exit(void)
{
	unregister_kretprobe(&nopage_probe);
	if (nopage_probe.nmissed)
		pr_info("rd_nopage: %d probe hits missed\n", nopage_probe.nmissed);
}

module_init(nopage_init);
module_exit(nopage_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test-only: makes rapiddisk.ko's spare-page allocations fail");
