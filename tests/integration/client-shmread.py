# client-shmread.py UNIT [nattch]: read ntpd's SHM segment 0x4E545030+UNIT
# (struct shmTime, native layout) the way ntpd/chrony do, and print it as
# JSON; with "nattch", print only how many processes have it attached.
import ctypes, ctypes.util, json, sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]

class ShmTime(ctypes.Structure):
    _fields_ = [("mode", ctypes.c_int), ("count", ctypes.c_int),
                ("clockTimeStampSec", ctypes.c_long),
                ("clockTimeStampUSec", ctypes.c_int),
                ("receiveTimeStampSec", ctypes.c_long),
                ("receiveTimeStampUSec", ctypes.c_int),
                ("leap", ctypes.c_int), ("precision", ctypes.c_int),
                ("nsamples", ctypes.c_int), ("valid", ctypes.c_int),
                ("clockTimeStampNSec", ctypes.c_uint),
                ("receiveTimeStampNSec", ctypes.c_uint),
                ("dummy", ctypes.c_int * 8)]

class IpcPerm(ctypes.Structure):
    _fields_ = [("key", ctypes.c_int), ("uid", ctypes.c_uint),
                ("gid", ctypes.c_uint), ("cuid", ctypes.c_uint),
                ("cgid", ctypes.c_uint), ("mode", ctypes.c_ushort),
                ("pad1", ctypes.c_ushort), ("seq", ctypes.c_ushort),
                ("pad2", ctypes.c_ushort), ("unused1", ctypes.c_ulong),
                ("unused2", ctypes.c_ulong)]

class ShmidDs(ctypes.Structure):
    _fields_ = [("perm", IpcPerm), ("segsz", ctypes.c_size_t),
                ("atime", ctypes.c_long), ("dtime", ctypes.c_long),
                ("ctime", ctypes.c_long), ("cpid", ctypes.c_int),
                ("lpid", ctypes.c_int), ("nattch", ctypes.c_ulong),
                ("unused", ctypes.c_ulong * 2)]

key = 0x4E545030 + int(sys.argv[1])
shmid = libc.shmget(key, 0, 0)
if shmid == -1:
    sys.exit("no segment 0x%08x" % key)
ds = ShmidDs()
libc.shmctl(shmid, 2, ctypes.byref(ds))  # IPC_STAT
if len(sys.argv) > 2:
    print(ds.nattch)
    sys.exit(0)
p = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
for _ in range(100):  # mode 1: copy, retry when count moved under us
    c0 = ShmTime.from_address(p).count
    t = ShmTime.from_buffer_copy(ctypes.string_at(p, ctypes.sizeof(ShmTime)))
    if t.count == c0 and c0 % 2 == 0:
        break
libc.shmdt(ctypes.c_void_p(p))
out = {f: getattr(t, f) for f, _ in ShmTime._fields_ if f != "dummy"}
out["perm"] = "%o" % (ds.perm.mode & 0o777)
out["segsz"] = ds.segsz
out["sizeof"] = ctypes.sizeof(ShmTime)
print(json.dumps(out))
