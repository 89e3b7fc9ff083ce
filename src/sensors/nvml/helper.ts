// The NVML helper run by src/sensors/nvml/sensor.ts as `python -u -c NVML_HELPER UUID...`: ctypes only
// (no pynvml), so any python3 on a host with the NVIDIA driver can run it. Kept as a string so the
// bundles stay single files; the protocol is described in nvml.ts and docs/sensors.md.
export const NVML_HELPER = String.raw`
import ctypes, json, sys
def say(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()
def main():
    lib, err = None, None
    for name in ("libnvidia-ml.so.1", "libnvidia-ml.so", "nvml.dll"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError as e:
            err = err or str(e)
    if lib is None:
        say({"ok": False, "code": -1, "error": "cannot load libnvidia-ml.so.1: %s" % err})
        return 1
    lib.nvmlErrorString.restype = ctypes.c_char_p
    def msg(rc):
        try:
            return lib.nvmlErrorString(rc).decode()
        except Exception:
            return "NVML error %d" % rc
    rc = lib.nvmlInit_v2()
    if rc != 0:
        say({"ok": False, "code": rc, "error": "nvmlInit_v2: " + msg(rc)})
        return 1
    buf = ctypes.create_string_buffer(96)
    driver = buf.value.decode() if lib.nvmlSystemGetDriverVersion(buf, 96) == 0 else None
    handles, gpus = [], []
    energy = ctypes.c_ulonglong()
    for uuid in sys.argv[1:]:
        h = ctypes.c_void_p()
        rc = lib.nvmlDeviceGetHandleByUUID(uuid.encode(), ctypes.byref(h))
        if rc != 0:
            handles.append(None)
            gpus.append({"uuid": uuid, "code": rc, "error": msg(rc)})
            continue
        rc = lib.nvmlDeviceGetTotalEnergyConsumption(h, ctypes.byref(energy))
        limit = ctypes.c_uint()
        lrc = lib.nvmlDeviceGetEnforcedPowerLimit(h, ctypes.byref(limit))
        nb = ctypes.create_string_buffer(96)
        name = nb.value.decode() if lib.nvmlDeviceGetName(h, nb, 96) == 0 else None
        handles.append(h)
        gpus.append({"uuid": uuid, "code": rc, "error": None if rc == 0 else msg(rc), "name": name,
                     "powerLimitW": limit.value / 1000.0 if lrc == 0 else None})
    say({"ok": True, "driver": driver, "gpus": gpus})
    for _ in sys.stdin:
        out = []
        for h in handles:
            if h is None or lib.nvmlDeviceGetTotalEnergyConsumption(h, ctypes.byref(energy)) != 0:
                out.append(None)
            else:
                out.append(energy.value)
        say({"mJ": out})
    lib.nvmlShutdown()
    return 0
sys.exit(main())
`
