#!/usr/bin/env python3
"""Summary of an async-profiler collapsed-stack file: where the CPU went.

Usage: top.py FILE.collapsed [N]
Prints the N hottest frames by self time, the share of each system call (the first libc frame
of a stack), and the berth methods by inclusive time.
"""
import collections
import sys

SYSCALLS = ('__GI_fsync', 'fsync', 'fdatasync', '__pwrite64', '__pread64', '__GI_write', '__GI_read',
            '__libc_write', '__libc_read', '__GI___libc_open', '__libc_open64', '__close', '__GI___close',
            '__GI___fstatat64', '__fxstat64', 'rename', 'renameat', 'unlinkat', '__GI___libc_fcntl64',
            'sendfile', 'epoll_wait', '__GI_epoll_ctl')


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    total = 0
    self_ = collections.Counter()
    syscall = collections.Counter()
    berth = collections.Counter()
    for line in open(path):
        stack, count = line.rsplit(' ', 1)
        count = int(count)
        total += count
        frames = stack.split(';')
        self_[frames[-1]] += count
        sc = next((f for f in frames if f in SYSCALLS), None)
        syscall[sc or ('(kernel only)' if frames[-1].endswith('_[k]') else '(user space)')] += count
        for f in set(frames):
            if f.startswith('dev/berth/'):
                berth[f] += count
    if not total:
        sys.exit('no samples in ' + path)
    pct = lambda c: '%5.1f%%' % (100.0 * c / total)
    print('%d samples' % total)
    print('\nself time:')
    for f, c in self_.most_common(n):
        print(pct(c), f[:140])
    print('\nby system call (first libc frame of the stack):')
    for f, c in syscall.most_common(n):
        print(pct(c), f)
    print('\nberth methods, inclusive:')
    for f, c in berth.most_common(n):
        print(pct(c), f[:140])


if __name__ == '__main__':
    main()
