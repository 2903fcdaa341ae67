/* Test-only stand-in for bcryptprimitives.dll, which Wine 8.0 lacks and Rust's std needs (ProcessPrng).
   It forwards to advapi32's RtlGenRandom (SystemFunction036). Real Windows 10 and 11 have the DLL:
   this file is never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
