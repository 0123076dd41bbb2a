# Boot "plain": 2 GiB of RAM only; the host boots it with "no5lvl nokaslr".
. /lab/lib.sh
lab_ground_truth "$LAB_OUT/boot/truth"
lab_memscope "$LAB_OUT/boot/memscope"
lab_dump boot
# issue 11: every online RAM pfn against kpageflags and kpagecount (lib.sh)
lab_kpf "$LAB_OUT/boot/kpf"
# bad input, last because it is one way: kernel lockdown raised at run time
# makes /proc/kcore refuse even root; memscope must say so in one line
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if echo confidentiality >/sys/kernel/security/lockdown 2>/dev/null; then
    LAB_OUT=$LAB_OUT/boot/memscope lab_run lockdown $MEMSCOPE summary
fi
