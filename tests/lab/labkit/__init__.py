"""memscope QEMU lab: host-side orchestration (Python 3 standard library only)."""
