# Boot "plain": 2 GiB of RAM only; the host boots it with "no5lvl nokaslr".
. /lab/lib.sh
lab_ground_truth "$LAB_OUT/boot/truth"
lab_memscope "$LAB_OUT/boot/memscope"
