# memscope lab, boot "dump" (issue 6): the host stopped this guest during
# deferred struct-page init and dumped it; now, booted, we record what the
# live kernel says, keep the kinfo files the host needs to read the dumps
# (a QEMU dump has no kallsyms or BTF of its own), and ask for a second dump.
. /lab/lib.sh
$MODPROBE -q qemu_fw_cfg	# publishes VMCOREINFO to QEMU's vmcoreinfo device
mkdir -p $LAB_OUT/root/proc $LAB_OUT/root/sys/kernel/btf
cat /proc/kallsyms > $LAB_OUT/root/proc/kallsyms
cat /proc/iomem > $LAB_OUT/root/proc/iomem
cp /sys/kernel/btf/vmlinux $LAB_OUT/root/sys/kernel/btf/vmlinux
dmesg | grep -i "deferred pages" > $LAB_OUT/dmesg-deferred.txt
for c in deferred subsections; do
    lab_run live-$c $MEMSCOPE $c -J
done
lab_run capture $MEMSCOPE capture $LAB_OUT/boot.snap
ls /sys/firmware/qemu_fw_cfg/by_name/etc/ > $LAB_OUT/fw_cfg.txt 2>&1
lab_say dump-now
sleep 3
