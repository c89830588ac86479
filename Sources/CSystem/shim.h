#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* renameat2(RENAME_NOREPLACE) through syscall(2), which is variadic and so not callable from Swift;
   glibc declares renameat2 only under _GNU_SOURCE. Returns 0 or -1 with errno set. */
static inline int refkit_rename_noreplace(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1u /* RENAME_NOREPLACE */);
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
