# lab.py demo: an NVDIMM with two devdax namespaces, memscope on the console.
. /lab/lib.sh
lab_modules_nvdimm
lab_namespaces 256M 208M >/dev/null 2>&1 || echo "namespace setup failed"
for c in "summary" "sections" "subsections"; do
    echo
    echo "# memscope $c"
    $MEMSCOPE $c
done
