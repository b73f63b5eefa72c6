#ifndef CSYSTEMD_SHIM_H
#define CSYSTEMD_SHIM_H
// Function-like macros (sd_journal_send -> ..._with_location) are not imported
// by Swift anyway; suppress them so the C declarations are what Swift sees.
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>
#include <systemd/sd-daemon.h>

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

// What JournalSocket needs for entries too large for one datagram, as libsystemd does it
// (journal-send.c): the entry goes into a sealed memfd whose descriptor is passed with
// SCM_RIGHTS. Swift's Glibc module has neither memfd_create nor the seal constants, and the
// CMSG_* macros are not imported; these helpers are those calls and nothing more.

/// memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING); a descriptor or -1 with errno.
static inline int alliance_memfd_create(const char *name) {
    return (int) syscall(SYS_memfd_create, name, 0x0001U | 0x0002U);
}

/// F_ADD_SEALS with F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE (libsystemd's
/// memfd_set_sealed); 0 or -1 with errno.
static inline int alliance_memfd_seal(int fd) {
    return fcntl(fd, 1024 + 9, 0x0001 | 0x0002 | 0x0004 | 0x0008);
}

/// One datagram with no payload and `fd` as SCM_RIGHTS on the connected socket `socket`
/// (libsystemd's send_one_fd_sa); bytes sent or -1 with errno.
static inline ssize_t alliance_send_descriptor(int socket, int fd, int flags) {
    union {
        struct cmsghdr header;
        char buffer[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr message;
    memset(&message, 0, sizeof(message));
    message.msg_control = &control;
    message.msg_controllen = sizeof(control);
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    message.msg_controllen = CMSG_SPACE(sizeof(int));
    return sendmsg(socket, &message, flags);
}
#endif
