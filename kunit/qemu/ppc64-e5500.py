# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: Book3E-64, a big-endian e5500 on qemu's ppce500
# board with qemu-system-ppc64, one CPU. COMPAT (the big-endian default)
# runs 32-bit tasks and leaves out INTERRUPT_SANITIZE_REGISTERS, which
# needs ARCH_HAS_SYSCALL_WRAPPER and so !COMPAT.
# As on the 32-bit e500, the UART is the legacy serial port only.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_PPC_BOOK3E_64=y
CONFIG_CPU_BIG_ENDIAN=y
CONFIG_E5500_CPU=y
CONFIG_PPC_QEMU_E500=y
CONFIG_COMPAT=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
# CONFIG_SERIAL_OF_PLATFORM is not set''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-M', 'ppce500', '-cpu', 'e5500'])
