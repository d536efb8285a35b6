// Python's errno module from this platform's <errno.h>: every errno name the compiler finds, with
// the value the C library uses, so nothing is copied by hand from one OS to another (the values
// differ: EAGAIN is 11 on Linux and 35 on macOS). Names POSIX.1-2008 requires are always present;
// the others (Linux's STREAMS and keyring codes, the BSDs' and macOS's RPC and Mach-O codes) are
// added only where <errno.h> defines them, as CPython's errnomodule.c does.
// Order matters where two names share a value (EWOULDBLOCK/EAGAIN, EOPNOTSUPP/ENOTSUP on Linux,
// EDEADLK/EDEADLOCK): the later name is the one errorcode gives, as in CPython.
// strerror(3) is also here: Python's os.strerror.
#include <errno.h>
#include <string.h>

#include "util.h"

namespace iomux {

namespace {

Napi::Object ErrnoCodes(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
#define E(name) o.Set(#name, Napi::Number::New(env, name))
  E(E2BIG); E(EACCES); E(EADDRINUSE); E(EADDRNOTAVAIL); E(EAFNOSUPPORT); E(EWOULDBLOCK); E(EAGAIN);
  E(EALREADY); E(EBADF); E(EBADMSG); E(EBUSY); E(ECANCELED); E(ECHILD); E(ECONNABORTED); E(ECONNREFUSED);
  E(ECONNRESET); E(EDEADLK); E(EDESTADDRREQ); E(EDOM); E(EDQUOT); E(EEXIST); E(EFAULT); E(EFBIG);
  E(EHOSTUNREACH); E(EIDRM); E(EILSEQ); E(EINPROGRESS); E(EINTR); E(EINVAL); E(EIO); E(EISCONN); E(EISDIR);
  E(ELOOP); E(EMFILE); E(EMLINK); E(EMSGSIZE); E(ENAMETOOLONG); E(ENETDOWN); E(ENETRESET); E(ENETUNREACH);
  E(ENFILE); E(ENOBUFS); E(ENODEV); E(ENOENT); E(ENOEXEC); E(ENOLCK); E(ENOMEM); E(ENOMSG); E(ENOPROTOOPT);
  E(ENOSPC); E(ENOSYS); E(ENOTCONN); E(ENOTDIR); E(ENOTEMPTY); E(ENOTRECOVERABLE); E(ENOTSOCK);
  E(EOPNOTSUPP); E(ENOTSUP); E(ENOTTY); E(ENXIO); E(EOVERFLOW); E(EOWNERDEAD); E(EPERM); E(EPIPE); E(EPROTO);
  E(EPROTONOSUPPORT); E(EPROTOTYPE); E(ERANGE); E(EROFS); E(ESPIPE); E(ESRCH); E(ESTALE); E(ETIMEDOUT);
  E(ETXTBSY); E(EXDEV);
#ifdef EDEADLOCK
  E(EDEADLOCK);
#endif
#ifdef EMULTIHOP
  E(EMULTIHOP);
#endif
#ifdef ENOLINK
  E(ENOLINK);
#endif
#ifdef ENODATA
  E(ENODATA);
#endif
#ifdef ENOSR
  E(ENOSR);
#endif
#ifdef ENOSTR
  E(ENOSTR);
#endif
#ifdef ETIME
  E(ETIME);
#endif
#ifdef EADV
  E(EADV);
#endif
#ifdef EBADE
  E(EBADE);
#endif
#ifdef EBADFD
  E(EBADFD);
#endif
#ifdef EBADR
  E(EBADR);
#endif
#ifdef EBADRQC
  E(EBADRQC);
#endif
#ifdef EBADSLT
  E(EBADSLT);
#endif
#ifdef EBFONT
  E(EBFONT);
#endif
#ifdef ECHRNG
  E(ECHRNG);
#endif
#ifdef ECOMM
  E(ECOMM);
#endif
#ifdef EDOTDOT
  E(EDOTDOT);
#endif
#ifdef EHOSTDOWN
  E(EHOSTDOWN);
#endif
#ifdef EISNAM
  E(EISNAM);
#endif
#ifdef EKEYEXPIRED
  E(EKEYEXPIRED);
#endif
#ifdef EKEYREJECTED
  E(EKEYREJECTED);
#endif
#ifdef EKEYREVOKED
  E(EKEYREVOKED);
#endif
#ifdef EL2HLT
  E(EL2HLT);
#endif
#ifdef EL2NSYNC
  E(EL2NSYNC);
#endif
#ifdef EL3HLT
  E(EL3HLT);
#endif
#ifdef EL3RST
  E(EL3RST);
#endif
#ifdef ELIBACC
  E(ELIBACC);
#endif
#ifdef ELIBBAD
  E(ELIBBAD);
#endif
#ifdef ELIBEXEC
  E(ELIBEXEC);
#endif
#ifdef ELIBMAX
  E(ELIBMAX);
#endif
#ifdef ELIBSCN
  E(ELIBSCN);
#endif
#ifdef ELNRNG
  E(ELNRNG);
#endif
#ifdef EMEDIUMTYPE
  E(EMEDIUMTYPE);
#endif
#ifdef ENAVAIL
  E(ENAVAIL);
#endif
#ifdef ENOANO
  E(ENOANO);
#endif
#ifdef ENOCSI
  E(ENOCSI);
#endif
#ifdef ENOKEY
  E(ENOKEY);
#endif
#ifdef ENOMEDIUM
  E(ENOMEDIUM);
#endif
#ifdef ENONET
  E(ENONET);
#endif
#ifdef ENOPKG
  E(ENOPKG);
#endif
#ifdef ENOTBLK
  E(ENOTBLK);
#endif
#ifdef ENOTNAM
  E(ENOTNAM);
#endif
#ifdef ENOTUNIQ
  E(ENOTUNIQ);
#endif
#ifdef EPFNOSUPPORT
  E(EPFNOSUPPORT);
#endif
#ifdef EREMCHG
  E(EREMCHG);
#endif
#ifdef EREMOTE
  E(EREMOTE);
#endif
#ifdef EREMOTEIO
  E(EREMOTEIO);
#endif
#ifdef ERESTART
  E(ERESTART);
#endif
#ifdef ERFKILL
  E(ERFKILL);
#endif
#ifdef ESHUTDOWN
  E(ESHUTDOWN);
#endif
#ifdef ESOCKTNOSUPPORT
  E(ESOCKTNOSUPPORT);
#endif
#ifdef ESRMNT
  E(ESRMNT);
#endif
#ifdef ESTRPIPE
  E(ESTRPIPE);
#endif
#ifdef ETOOMANYREFS
  E(ETOOMANYREFS);
#endif
#ifdef EUCLEAN
  E(EUCLEAN);
#endif
#ifdef EUNATCH
  E(EUNATCH);
#endif
#ifdef EUSERS
  E(EUSERS);
#endif
#ifdef EXFULL
  E(EXFULL);
#endif
#ifdef EAUTH
  E(EAUTH);
#endif
#ifdef EBADARCH
  E(EBADARCH);
#endif
#ifdef EBADEXEC
  E(EBADEXEC);
#endif
#ifdef EBADMACHO
  E(EBADMACHO);
#endif
#ifdef EBADRPC
  E(EBADRPC);
#endif
#ifdef EDEVERR
  E(EDEVERR);
#endif
#ifdef EFTYPE
  E(EFTYPE);
#endif
#ifdef ENEEDAUTH
  E(ENEEDAUTH);
#endif
#ifdef ENOATTR
  E(ENOATTR);
#endif
#ifdef ENOPOLICY
  E(ENOPOLICY);
#endif
#ifdef EPROCLIM
  E(EPROCLIM);
#endif
#ifdef EPROCUNAVAIL
  E(EPROCUNAVAIL);
#endif
#ifdef EPROGMISMATCH
  E(EPROGMISMATCH);
#endif
#ifdef EPROGUNAVAIL
  E(EPROGUNAVAIL);
#endif
#ifdef EPWROFF
  E(EPWROFF);
#endif
#ifdef ERPCMISMATCH
  E(ERPCMISMATCH);
#endif
#ifdef ESHLIBVERS
  E(ESHLIBVERS);
#endif
#ifdef EQFULL
  E(EQFULL);
#endif
#ifdef ENOTCAPABLE
  E(ENOTCAPABLE);
#endif
#ifdef ECAPMODE
  E(ECAPMODE);
#endif
#ifdef EINTEGRITY
  E(EINTEGRITY);
#endif
#undef E
  return o;
}

// strerror(code) → the C library's message (glibc: "Unknown error N" for an unknown code)
Napi::Value Strerror(const Napi::CallbackInfo& info) {
  int32_t code = 0;
  if (!ArgInt(info, 0, &code)) return Napi::Value();
  return Napi::String::New(info.Env(), ::strerror(code));
}

}  // namespace

void InitErrno(Napi::Env env, Napi::Object exports) {
  exports.Set("errnoCodes", ErrnoCodes(env));
  exports.Set("strerror", Napi::Function::New(env, Strerror, "strerror"));
}

}  // namespace iomux
