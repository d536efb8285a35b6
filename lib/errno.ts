/**
 * `iomux/errno`: Python's `errno` module. Each constant is this platform's positive errno number,
 * read from the C library's <errno.h> when the addon was built (native/errno.cc) — the numbers
 * differ between systems (`EAGAIN` is 11 on Linux, 35 on macOS). A name the platform lacks is
 * `undefined` (Python's `hasattr(errno, name)` is false). {@link errorcode} maps a number back
 * to its name. iomux's thrown errors carry Node's *negative* `errno` (`err.errno ===
 * -errno.ECONNREFUSED`) and the name as `err.code`; `connectEx()` and `SO_ERROR` return these
 * positive numbers, as Python's do.
 * @packageDocumentation
 */
import { native } from './native';

const E = native.errnoCodes;

/**
 * Python's `errno.errorcode`: errno number → name, for every name this platform defines. Where two
 * names share a number (`EWOULDBLOCK` and `EAGAIN`, Linux's `EOPNOTSUPP` and `ENOTSUP`,
 * `EDEADLK` and `EDEADLOCK`) it gives the one CPython's gives.
 */
export const errorcode: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(E).map(([name, value]) => [value, name])),
);

/** Argument list too long (`E2BIG`). */
export const E2BIG: number = E.E2BIG;
/** Permission denied (`EACCES`). */
export const EACCES: number = E.EACCES;
/** Address already in use (`EADDRINUSE`). */
export const EADDRINUSE: number = E.EADDRINUSE;
/** Cannot assign requested address (`EADDRNOTAVAIL`). */
export const EADDRNOTAVAIL: number = E.EADDRNOTAVAIL;
/** Address family not supported by protocol (`EAFNOSUPPORT`). */
export const EAFNOSUPPORT: number = E.EAFNOSUPPORT;
/** Resource temporarily unavailable (`EWOULDBLOCK`). */
export const EWOULDBLOCK: number = E.EWOULDBLOCK;
/** Resource temporarily unavailable (`EAGAIN`). */
export const EAGAIN: number = E.EAGAIN;
/** Operation already in progress (`EALREADY`). */
export const EALREADY: number = E.EALREADY;
/** Bad file descriptor (`EBADF`). */
export const EBADF: number = E.EBADF;
/** Bad message (`EBADMSG`). */
export const EBADMSG: number = E.EBADMSG;
/** Device or resource busy (`EBUSY`). */
export const EBUSY: number = E.EBUSY;
/** Operation canceled (`ECANCELED`). */
export const ECANCELED: number = E.ECANCELED;
/** No child processes (`ECHILD`). */
export const ECHILD: number = E.ECHILD;
/** Software caused connection abort (`ECONNABORTED`). */
export const ECONNABORTED: number = E.ECONNABORTED;
/** Connection refused (`ECONNREFUSED`). */
export const ECONNREFUSED: number = E.ECONNREFUSED;
/** Connection reset by peer (`ECONNRESET`). */
export const ECONNRESET: number = E.ECONNRESET;
/** Resource deadlock avoided (`EDEADLK`). */
export const EDEADLK: number = E.EDEADLK;
/** Destination address required (`EDESTADDRREQ`). */
export const EDESTADDRREQ: number = E.EDESTADDRREQ;
/** Numerical argument out of domain (`EDOM`). */
export const EDOM: number = E.EDOM;
/** Disk quota exceeded (`EDQUOT`). */
export const EDQUOT: number = E.EDQUOT;
/** File exists (`EEXIST`). */
export const EEXIST: number = E.EEXIST;
/** Bad address (`EFAULT`). */
export const EFAULT: number = E.EFAULT;
/** File too large (`EFBIG`). */
export const EFBIG: number = E.EFBIG;
/** No route to host (`EHOSTUNREACH`). */
export const EHOSTUNREACH: number = E.EHOSTUNREACH;
/** Identifier removed (`EIDRM`). */
export const EIDRM: number = E.EIDRM;
/** Invalid or incomplete multibyte or wide character (`EILSEQ`). */
export const EILSEQ: number = E.EILSEQ;
/** Operation now in progress (`EINPROGRESS`). */
export const EINPROGRESS: number = E.EINPROGRESS;
/** Interrupted system call (`EINTR`). */
export const EINTR: number = E.EINTR;
/** Invalid argument (`EINVAL`). */
export const EINVAL: number = E.EINVAL;
/** Input/output error (`EIO`). */
export const EIO: number = E.EIO;
/** Transport endpoint is already connected (`EISCONN`). */
export const EISCONN: number = E.EISCONN;
/** Is a directory (`EISDIR`). */
export const EISDIR: number = E.EISDIR;
/** Too many levels of symbolic links (`ELOOP`). */
export const ELOOP: number = E.ELOOP;
/** Too many open files (`EMFILE`). */
export const EMFILE: number = E.EMFILE;
/** Too many links (`EMLINK`). */
export const EMLINK: number = E.EMLINK;
/** Message too long (`EMSGSIZE`). */
export const EMSGSIZE: number = E.EMSGSIZE;
/** File name too long (`ENAMETOOLONG`). */
export const ENAMETOOLONG: number = E.ENAMETOOLONG;
/** Network is down (`ENETDOWN`). */
export const ENETDOWN: number = E.ENETDOWN;
/** Network dropped connection on reset (`ENETRESET`). */
export const ENETRESET: number = E.ENETRESET;
/** Network is unreachable (`ENETUNREACH`). */
export const ENETUNREACH: number = E.ENETUNREACH;
/** Too many open files in system (`ENFILE`). */
export const ENFILE: number = E.ENFILE;
/** No buffer space available (`ENOBUFS`). */
export const ENOBUFS: number = E.ENOBUFS;
/** No such device (`ENODEV`). */
export const ENODEV: number = E.ENODEV;
/** No such file or directory (`ENOENT`). */
export const ENOENT: number = E.ENOENT;
/** Exec format error (`ENOEXEC`). */
export const ENOEXEC: number = E.ENOEXEC;
/** No locks available (`ENOLCK`). */
export const ENOLCK: number = E.ENOLCK;
/** Cannot allocate memory (`ENOMEM`). */
export const ENOMEM: number = E.ENOMEM;
/** No message of desired type (`ENOMSG`). */
export const ENOMSG: number = E.ENOMSG;
/** Protocol not available (`ENOPROTOOPT`). */
export const ENOPROTOOPT: number = E.ENOPROTOOPT;
/** No space left on device (`ENOSPC`). */
export const ENOSPC: number = E.ENOSPC;
/** Function not implemented (`ENOSYS`). */
export const ENOSYS: number = E.ENOSYS;
/** Transport endpoint is not connected (`ENOTCONN`). */
export const ENOTCONN: number = E.ENOTCONN;
/** Not a directory (`ENOTDIR`). */
export const ENOTDIR: number = E.ENOTDIR;
/** Directory not empty (`ENOTEMPTY`). */
export const ENOTEMPTY: number = E.ENOTEMPTY;
/** State not recoverable (`ENOTRECOVERABLE`). */
export const ENOTRECOVERABLE: number = E.ENOTRECOVERABLE;
/** Socket operation on non-socket (`ENOTSOCK`). */
export const ENOTSOCK: number = E.ENOTSOCK;
/** Operation not supported (`EOPNOTSUPP`). */
export const EOPNOTSUPP: number = E.EOPNOTSUPP;
/** Operation not supported (`ENOTSUP`). */
export const ENOTSUP: number = E.ENOTSUP;
/** Inappropriate ioctl for device (`ENOTTY`). */
export const ENOTTY: number = E.ENOTTY;
/** No such device or address (`ENXIO`). */
export const ENXIO: number = E.ENXIO;
/** Value too large for defined data type (`EOVERFLOW`). */
export const EOVERFLOW: number = E.EOVERFLOW;
/** Owner died (`EOWNERDEAD`). */
export const EOWNERDEAD: number = E.EOWNERDEAD;
/** Operation not permitted (`EPERM`). */
export const EPERM: number = E.EPERM;
/** Broken pipe (`EPIPE`). */
export const EPIPE: number = E.EPIPE;
/** Protocol error (`EPROTO`). */
export const EPROTO: number = E.EPROTO;
/** Protocol not supported (`EPROTONOSUPPORT`). */
export const EPROTONOSUPPORT: number = E.EPROTONOSUPPORT;
/** Protocol wrong type for socket (`EPROTOTYPE`). */
export const EPROTOTYPE: number = E.EPROTOTYPE;
/** Numerical result out of range (`ERANGE`). */
export const ERANGE: number = E.ERANGE;
/** Read-only file system (`EROFS`). */
export const EROFS: number = E.EROFS;
/** Illegal seek (`ESPIPE`). */
export const ESPIPE: number = E.ESPIPE;
/** No such process (`ESRCH`). */
export const ESRCH: number = E.ESRCH;
/** Stale file handle (`ESTALE`). */
export const ESTALE: number = E.ESTALE;
/** Connection timed out (`ETIMEDOUT`). */
export const ETIMEDOUT: number = E.ETIMEDOUT;
/** Text file busy (`ETXTBSY`). */
export const ETXTBSY: number = E.ETXTBSY;
/** Invalid cross-device link (`EXDEV`). */
export const EXDEV: number = E.EXDEV;
/** Resource deadlock avoided (`EDEADLOCK`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EDEADLOCK: number = E.EDEADLOCK;
/** Multihop attempted (`EMULTIHOP`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EMULTIHOP: number = E.EMULTIHOP;
/** Link has been severed (`ENOLINK`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOLINK: number = E.ENOLINK;
/** No data available (`ENODATA`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENODATA: number = E.ENODATA;
/** Out of streams resources (`ENOSR`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOSR: number = E.ENOSR;
/** Device not a stream (`ENOSTR`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOSTR: number = E.ENOSTR;
/** Timer expired (`ETIME`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ETIME: number = E.ETIME;
/** Advertise error (`EADV`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EADV: number = E.EADV;
/** Invalid exchange (`EBADE`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBADE: number = E.EBADE;
/** File descriptor in bad state (`EBADFD`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBADFD: number = E.EBADFD;
/** Invalid request descriptor (`EBADR`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBADR: number = E.EBADR;
/** Invalid request code (`EBADRQC`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBADRQC: number = E.EBADRQC;
/** Invalid slot (`EBADSLT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBADSLT: number = E.EBADSLT;
/** Bad font file format (`EBFONT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EBFONT: number = E.EBFONT;
/** Channel number out of range (`ECHRNG`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ECHRNG: number = E.ECHRNG;
/** Communication error on send (`ECOMM`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ECOMM: number = E.ECOMM;
/** RFS specific error (`EDOTDOT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EDOTDOT: number = E.EDOTDOT;
/** Host is down (`EHOSTDOWN`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EHOSTDOWN: number = E.EHOSTDOWN;
/** Is a named type file (`EISNAM`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EISNAM: number = E.EISNAM;
/** Key has expired (`EKEYEXPIRED`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EKEYEXPIRED: number = E.EKEYEXPIRED;
/** Key was rejected by service (`EKEYREJECTED`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EKEYREJECTED: number = E.EKEYREJECTED;
/** Key has been revoked (`EKEYREVOKED`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EKEYREVOKED: number = E.EKEYREVOKED;
/** Level 2 halted (`EL2HLT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EL2HLT: number = E.EL2HLT;
/** Level 2 not synchronized (`EL2NSYNC`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EL2NSYNC: number = E.EL2NSYNC;
/** Level 3 halted (`EL3HLT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EL3HLT: number = E.EL3HLT;
/** Level 3 reset (`EL3RST`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EL3RST: number = E.EL3RST;
/** Can not access a needed shared library (`ELIBACC`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELIBACC: number = E.ELIBACC;
/** Accessing a corrupted shared library (`ELIBBAD`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELIBBAD: number = E.ELIBBAD;
/** Cannot exec a shared library directly (`ELIBEXEC`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELIBEXEC: number = E.ELIBEXEC;
/** Attempting to link in too many shared libraries (`ELIBMAX`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELIBMAX: number = E.ELIBMAX;
/** .lib section in a.out corrupted (`ELIBSCN`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELIBSCN: number = E.ELIBSCN;
/** Link number out of range (`ELNRNG`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ELNRNG: number = E.ELNRNG;
/** Wrong medium type (`EMEDIUMTYPE`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EMEDIUMTYPE: number = E.EMEDIUMTYPE;
/** No XENIX semaphores available (`ENAVAIL`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENAVAIL: number = E.ENAVAIL;
/** No anode (`ENOANO`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOANO: number = E.ENOANO;
/** No CSI structure available (`ENOCSI`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOCSI: number = E.ENOCSI;
/** Required key not available (`ENOKEY`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOKEY: number = E.ENOKEY;
/** No medium found (`ENOMEDIUM`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOMEDIUM: number = E.ENOMEDIUM;
/** Machine is not on the network (`ENONET`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENONET: number = E.ENONET;
/** Package not installed (`ENOPKG`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOPKG: number = E.ENOPKG;
/** Block device required (`ENOTBLK`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOTBLK: number = E.ENOTBLK;
/** Not a XENIX named type file (`ENOTNAM`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOTNAM: number = E.ENOTNAM;
/** Name not unique on network (`ENOTUNIQ`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ENOTUNIQ: number = E.ENOTUNIQ;
/** Protocol family not supported (`EPFNOSUPPORT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EPFNOSUPPORT: number = E.EPFNOSUPPORT;
/** Remote address changed (`EREMCHG`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EREMCHG: number = E.EREMCHG;
/** Object is remote (`EREMOTE`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EREMOTE: number = E.EREMOTE;
/** Remote I/O error (`EREMOTEIO`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EREMOTEIO: number = E.EREMOTEIO;
/** Interrupted system call should be restarted (`ERESTART`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ERESTART: number = E.ERESTART;
/** Operation not possible due to RF-kill (`ERFKILL`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ERFKILL: number = E.ERFKILL;
/** Cannot send after transport endpoint shutdown (`ESHUTDOWN`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ESHUTDOWN: number = E.ESHUTDOWN;
/** Socket type not supported (`ESOCKTNOSUPPORT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ESOCKTNOSUPPORT: number = E.ESOCKTNOSUPPORT;
/** Srmount error (`ESRMNT`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ESRMNT: number = E.ESRMNT;
/** Streams pipe error (`ESTRPIPE`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ESTRPIPE: number = E.ESTRPIPE;
/** Too many references: cannot splice (`ETOOMANYREFS`). Platform-only: `undefined` where <errno.h> lacks it. */
export const ETOOMANYREFS: number = E.ETOOMANYREFS;
/** Structure needs cleaning (`EUCLEAN`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EUCLEAN: number = E.EUCLEAN;
/** Protocol driver not attached (`EUNATCH`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EUNATCH: number = E.EUNATCH;
/** Too many users (`EUSERS`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EUSERS: number = E.EUSERS;
/** Exchange full (`EXFULL`). Platform-only: `undefined` where <errno.h> lacks it. */
export const EXFULL: number = E.EXFULL;
/** Authentication error (`EAUTH`; macOS and the BSDs: `undefined` elsewhere). */
export const EAUTH: number = E.EAUTH;
/** Bad CPU type in executable (`EBADARCH`; macOS and the BSDs: `undefined` elsewhere). */
export const EBADARCH: number = E.EBADARCH;
/** Bad executable (or shared library) (`EBADEXEC`; macOS and the BSDs: `undefined` elsewhere). */
export const EBADEXEC: number = E.EBADEXEC;
/** Malformed Mach-o file (`EBADMACHO`; macOS and the BSDs: `undefined` elsewhere). */
export const EBADMACHO: number = E.EBADMACHO;
/** RPC struct is bad (`EBADRPC`; macOS and the BSDs: `undefined` elsewhere). */
export const EBADRPC: number = E.EBADRPC;
/** Device error (`EDEVERR`; macOS and the BSDs: `undefined` elsewhere). */
export const EDEVERR: number = E.EDEVERR;
/** Inappropriate file type or format (`EFTYPE`; macOS and the BSDs: `undefined` elsewhere). */
export const EFTYPE: number = E.EFTYPE;
/** Need authenticator (`ENEEDAUTH`; macOS and the BSDs: `undefined` elsewhere). */
export const ENEEDAUTH: number = E.ENEEDAUTH;
/** Attribute not found (`ENOATTR`; macOS and the BSDs: `undefined` elsewhere). */
export const ENOATTR: number = E.ENOATTR;
/** Policy not found (`ENOPOLICY`; macOS and the BSDs: `undefined` elsewhere). */
export const ENOPOLICY: number = E.ENOPOLICY;
/** Too many processes (`EPROCLIM`; macOS and the BSDs: `undefined` elsewhere). */
export const EPROCLIM: number = E.EPROCLIM;
/** Bad procedure for program (`EPROCUNAVAIL`; macOS and the BSDs: `undefined` elsewhere). */
export const EPROCUNAVAIL: number = E.EPROCUNAVAIL;
/** Program version wrong (`EPROGMISMATCH`; macOS and the BSDs: `undefined` elsewhere). */
export const EPROGMISMATCH: number = E.EPROGMISMATCH;
/** RPC prog. not avail (`EPROGUNAVAIL`; macOS and the BSDs: `undefined` elsewhere). */
export const EPROGUNAVAIL: number = E.EPROGUNAVAIL;
/** Device power is off (`EPWROFF`; macOS and the BSDs: `undefined` elsewhere). */
export const EPWROFF: number = E.EPWROFF;
/** RPC version wrong (`ERPCMISMATCH`; macOS and the BSDs: `undefined` elsewhere). */
export const ERPCMISMATCH: number = E.ERPCMISMATCH;
/** Shared library version mismatch (`ESHLIBVERS`; macOS and the BSDs: `undefined` elsewhere). */
export const ESHLIBVERS: number = E.ESHLIBVERS;
/** Interface output queue is full (`EQFULL`; macOS and the BSDs: `undefined` elsewhere). */
export const EQFULL: number = E.EQFULL;
/** Capabilities insufficient (`ENOTCAPABLE`; macOS and the BSDs: `undefined` elsewhere). */
export const ENOTCAPABLE: number = E.ENOTCAPABLE;
/** Not permitted in capability mode (`ECAPMODE`; macOS and the BSDs: `undefined` elsewhere). */
export const ECAPMODE: number = E.ECAPMODE;
/** Integrity check failed (`EINTEGRITY`; macOS and the BSDs: `undefined` elsewhere). */
export const EINTEGRITY: number = E.EINTEGRITY;
