#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef O_PATH
#define O_PATH 010000000 /* declared by glibc only under _GNU_SOURCE */
#endif

/* renameat2(RENAME_NOREPLACE) through syscall(2), which is variadic and so not callable from Swift;
   glibc declares renameat2 only under _GNU_SOURCE. Returns 0 or -1 with errno set. */
static inline int refkit_rename_noreplace(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1u /* RENAME_NOREPLACE */);
}

/* The same between two open folders (names as bytes, whatever their encoding). */
static inline int refkit_renameat_noreplace(int from_dir, const char *from, int to_dir, const char *to) {
    return (int)syscall(SYS_renameat2, from_dir, from, to_dir, to, 1u /* RENAME_NOREPLACE */);
}

/* copy_file_range(2) with both offsets implicit; glibc declares it only under _GNU_SOURCE.
   Copies in the kernel (a reflink or server-side copy where the file systems allow). */
static inline long refkit_copy_file_range(int in_fd, int out_fd, size_t length) {
    return syscall(SYS_copy_file_range, in_fd, (void *)0, out_fd, (void *)0, length, 0u);
}

/* openat2(2) (Linux 5.6+) resolving `path` below `dirfd` only: no "..", no absolute path, no
   symlink anywhere on the way (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS).
   With O_PATH | O_NOFOLLOW a trailing symlink is returned as itself, never followed. The
   struct is spelled out because <linux/openat2.h> is not in every libc's headers. */
struct refkit_open_how { unsigned long long flags, mode, resolve; };
static inline int refkit_open_beneath(int dirfd, const char *path, int flags) {
    struct refkit_open_how how = { (unsigned long long)flags, 0, 0x08 | 0x04 | 0x02 };
    int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    /* Kernels before 5.6: openat, which still never follows the last component. */
    if (fd < 0 && errno == ENOSYS) fd = openat(dirfd, path, flags);
    return fd;
}

/* lstat(2) of `path` below `dirfd`, resolved as refkit_open_beneath does (O_PATH: a FIFO or
   device is never opened for I/O). 0, or -1 with errno set. */
static inline int refkit_lstat_beneath(int dirfd, const char *path, struct stat *st) {
    int fd = refkit_open_beneath(dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fstat(fd, st);
    int saved = errno;
    close(fd);
    errno = saved;
    return r;
}

/* A folder below `dirfd` opened for listing, never through a symlink. */
static inline int refkit_open_folder_beneath(int dirfd, const char *path) {
    return refkit_open_beneath(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* glibc (2.34+) has these, but declares them only under _GNU_SOURCE, which Swift's Glibc module
   is not built with. The tests' child-process helper needs them: children get exactly fds
   0-2 (closefrom), start in a given folder (addchdir), and pipes never leak into another
   child spawned at the same moment (pipe2 with O_CLOEXEC). */
#include <spawn.h>
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
extern int pipe2(int fds[2], int flags);

/* renameat2(RENAME_EXCHANGE): swaps two paths atomically (a published kit folder and its staged
   successor), so a reader finds one or the other, never neither. Returns 0 or -1 with errno set
   (EINVAL or ENOSYS where the filesystem or kernel cannot exchange). */
static inline int refkit_renameat_exchange(int fromdir, const char *from, int todir, const char *to) {
    return (int)syscall(SYS_renameat2, fromdir, from, todir, to, 2u /* RENAME_EXCHANGE */);
}

/* mallopt(M_ARENA_MAX, count): M_ARENA_MAX is a macro, which Swift does not import. */
static inline int refkit_cap_malloc_arenas(int count) {
    return mallopt(M_ARENA_MAX, count);
}
