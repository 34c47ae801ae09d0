// The raw CPUID and XGETBV words that decide which SIMD kernels a CPU and its OS support.
// Swift cannot execute CPUID; DLCore decodes these words in CPUFeatures.swift.
#ifndef DL_CPUID_REGISTERS_H
#define DL_CPUID_REGISTERS_H

#include <stdint.h>

typedef struct {
    /// 1 when the words below were read (x86-64), 0 elsewhere.
    int32_t available;
    /// Leaf 0: EBX, EDX, ECX spell the vendor ("GenuineIntel", "AuthenticAMD"); EAX is the highest leaf.
    uint32_t maximumLeaf, vendorEBX, vendorEDX, vendorECX;
    /// Leaf 1: EAX holds family, model and stepping; ECX holds SSE3, FMA, AVX, OSXSAVE.
    uint32_t leaf1EAX, leaf1ECX;
    /// Leaf 7 subleaf 0 EBX: AVX2 and the AVX-512 subsets; subleaf 1 EAX: AVX512_BF16.
    uint32_t leaf7EBX, leaf7Subleaf1EAX;
    /// XCR0 (XGETBV 0) when OSXSAVE is set: which register states the OS saves (bits 1–2 AVX, 5–7 AVX-512).
    uint64_t xcr0;
} DLCPUIDRegisters;

/// Reads the registers of the CPU this thread runs on.
DLCPUIDRegisters dl_read_cpuid_registers(void);

#endif
