{
  "variables": {
    # 1 builds with AddressSanitizer and UndefinedBehaviorSanitizer (scripts/sanitize.sh).
    "sanitize%": "<!(node -p \"process.env.IOMUX_SANITIZE || 0\")",
    # kqueue on Linux only when a system libkqueue is found.
    "libkqueue%": "<!(pkg-config --exists libkqueue 2>/dev/null && echo 1 || echo 0)"
  },
  "targets": [
    {
      "target_name": "iomux",
      "sources": [
        "native/addon.cc",
        "native/select.cc",
        "native/poll.cc",
        "native/epoll.cc",
        "native/kqueue.cc",
        "native/fd.cc",
        "native/socket.cc",
        "native/msg.cc",
        "native/handle.cc",
        "native/watch.cc",
        "native/waiter.cc",
        "native/signals.cc",
        "native/uring.cc",
        "native/uring_ring.cc",
        "native/sendfile.cc",
        "native/resolve.cc",
        "native/errno.cc",
        "native/uring_bufring.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      # C++ exceptions off, as in node-addon-api's noexcept.gypi: the flag is only ever added. gyp
      # applies a "cflags_cc!" list after merging every other list, so naming -fno-exceptions in one
      # would strip it whatever else adds it (test/packaging/build-flags.test.ts reads the result).
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fno-exceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "conditions": [
        ["OS=='linux' and libkqueue==1", {
          "defines": ["IOMUX_HAVE_KQUEUE=1"],
          "cflags_cc": ["<!@(pkg-config --cflags libkqueue)"],
          "libraries": ["<!@(pkg-config --libs libkqueue)"]
        }],
        ["OS=='mac' or OS=='freebsd' or OS=='openbsd' or OS=='netbsd'", {
          "defines": ["IOMUX_HAVE_KQUEUE=1"]
        }],
        ["sanitize==1", {
          "cflags_cc": ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g", "-O1"],
          "ldflags": ["-fsanitize=address,undefined"]
        }]
      ]
    }
  ]
}
