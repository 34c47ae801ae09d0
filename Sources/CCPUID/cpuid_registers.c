#include "cpuid_registers.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

DLCPUIDRegisters dl_read_cpuid_registers(void) {
    DLCPUIDRegisters r = {0};
    uint32_t eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return r;
    r.available = 1;
    r.maximumLeaf = eax;
    r.vendorEBX = ebx;
    r.vendorEDX = edx;
    r.vendorECX = ecx;
    if (r.maximumLeaf >= 1) {
        __cpuid(1, eax, ebx, ecx, edx);
        r.leaf1EAX = eax;
        r.leaf1ECX = ecx;
        if (ecx & (1u << 27)) r.xcr0 = read_xcr0();   // OSXSAVE: XGETBV is allowed.
    }
    if (r.maximumLeaf >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        r.leaf7EBX = ebx;
        uint32_t subleaves = eax;
        if (subleaves >= 1) {
            __cpuid_count(7, 1, eax, ebx, ecx, edx);
            r.leaf7Subleaf1EAX = eax;
        }
    }
    return r;
}
#else
DLCPUIDRegisters dl_read_cpuid_registers(void) {
    DLCPUIDRegisters r = {0};
    return r;
}
#endif
