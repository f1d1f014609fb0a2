"""Starts a kernelspec N times in a row with jupyter_client, as nbconvert does, and prints one line
per start: "<i> ready <seconds>" or "<i> FAIL <seconds> <reason>". Each start waits at most TIMEOUT
seconds for kernel_info; the kernel is shut down before the next start. Used by NotebooksIT."""
import sys
import time

import jupyter_client

name, n, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for i in range(n):
    began = time.monotonic()
    km = jupyter_client.KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        print(i, "ready", round(time.monotonic() - began, 2), flush=True)
    except RuntimeError as e:
        print(i, "FAIL", round(time.monotonic() - began, 2), e, flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
