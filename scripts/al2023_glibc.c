/*
 * Linked into the Lambda bootstrap by scripts/package.sh so that a binary built against a newer
 * glibc (Debian 12 has 2.36) asks for nothing newer than provided.al2023's glibc 2.34
 * (https://docs.aws.amazon.com/linux/al2023/ug/core-glibc.html). package.sh passes
 * --wrap=NAME for each function below, which sends every reference to NAME in the program, the
 * static Swift runtime, libstdc++.a and libgcc_eh.a included, to __wrap_NAME here.
 *
 * - hypot, hypotf: glibc 2.35 gave them a new symbol version (GLIBC_2.35) with the same results;
 *   the wrappers call the versions every glibc since the architecture's first has.
 * - _dl_find_object (new in 2.35): GCC 12's unwinder (libgcc_eh.a) finds a PC's unwind tables
 *   with it. The wrapper answers the same from dl_iterate_phdr, which is how the unwinder did it
 *   before 2.35. It does not fill dlfo_link_map, which the unwinder does not read.
 * - arc4random (new in 2.36): libstdc++'s std::random_device uses it; the wrapper reads the
 *   kernel's random source with getrandom (2.25), as arc4random itself does.
 *
 * scripts/lambda_package.py check confirms that no GLIBC_ version above 2.34 is left.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

#if defined(__x86_64__)
#define GLIBC_FIRST "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define GLIBC_FIRST "GLIBC_2.17"
#else
#error "the Lambda bootstrap is built for x86_64 or aarch64"
#endif

double glibc_first_hypot(double, double);
float glibc_first_hypotf(float, float);
__asm__(".symver glibc_first_hypot, hypot@" GLIBC_FIRST);
__asm__(".symver glibc_first_hypotf, hypotf@" GLIBC_FIRST);

double __wrap_hypot(double x, double y) { return glibc_first_hypot(x, y); }
float __wrap_hypotf(float x, float y) { return glibc_first_hypotf(x, y); }

struct object_search {
    uintptr_t pc;
    struct dl_find_object *result;
    int found;
};

static int find_object_containing(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct object_search *search = data;
    uintptr_t start = UINTPTR_MAX, end = 0;
    void *eh_frame = NULL;
    int contains = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        uintptr_t address = info->dlpi_addr + header->p_vaddr;
        if (header->p_type == PT_LOAD) {
            if (address < start) start = address;
            if (address + header->p_memsz > end) end = address + header->p_memsz;
            if (search->pc >= address && search->pc < address + header->p_memsz) contains = 1;
        } else if (header->p_type == PT_GNU_EH_FRAME) {
            eh_frame = (void *)address;
        }
    }
    if (!contains) return 0;
    search->result->dlfo_flags = 0;
    search->result->dlfo_map_start = (void *)start;
    search->result->dlfo_map_end = (void *)end;
    search->result->dlfo_link_map = NULL;
    search->result->dlfo_eh_frame = eh_frame;
    search->found = 1;
    return 1;
}

int __wrap__dl_find_object(void *pc, struct dl_find_object *result) {
    struct object_search search = {(uintptr_t)pc, result, 0};
    dl_iterate_phdr(find_object_containing, &search);
    return search.found ? 0 : -1;
}

uint32_t __wrap_arc4random(void) {
    uint32_t value;
    size_t filled = 0;
    while (filled < sizeof value) {
        ssize_t got = getrandom((char *)&value + filled, sizeof value - filled, 0);
        if (got > 0) {
            filled += (size_t)got;
        } else if (got < 0 && errno != EINTR) {
            abort(); /* as arc4random does when the kernel gives no randomness */
        }
    }
    return value;
}
