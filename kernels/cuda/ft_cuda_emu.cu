/* ftwin kernels: the C entry points of the CUDA emulation's controls (ft_emu_control.h). Empty
 * under nvcc: a real device has no injected failures. */
#include "ft_cuda_compat.h"
#if defined(FT_CUDA_EMULATION)
#include "ft_emu_control.h"

extern "C" void ft_emu_fail_malloc(int nth)
{
    std::lock_guard<std::mutex> l(ft_emu::state().m);
    ft_emu::state().fail_malloc = nth;
}
extern "C" void ft_emu_fail_launch(int nth)
{
    std::lock_guard<std::mutex> l(ft_emu::state().m);
    ft_emu::state().fail_launch = nth;
}
extern "C" void ft_emu_set_device_memory(size_t bytes)
{
    std::lock_guard<std::mutex> l(ft_emu::state().m);
    ft_emu::state().capacity = bytes;
}
extern "C" size_t ft_emu_device_memory_used(void)
{
    std::lock_guard<std::mutex> l(ft_emu::state().m);
    return ft_emu::state().used;
}
#endif
