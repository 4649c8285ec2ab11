// glibc's GNU extensions that ChildProcess needs; Swift's Glibc module does
// not see them (they need _GNU_SOURCE), so they are wrapped here.
#pragma once
#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor >= `from`.
int chorus_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int from);
/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int chorus_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path);
/// pipe2(fds, O_CLOEXEC): both ends close on exec, set atomically.
int chorus_pipe_cloexec(int fds[2]);
