#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* renameat2(RENAME_NOREPLACE) through syscall(2), which is variadic and so not callable from Swift;
   glibc declares renameat2 only under _GNU_SOURCE. Returns 0 or -1 with errno set. */
static inline int refkit_rename_noreplace(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1u /* RENAME_NOREPLACE */);
}
