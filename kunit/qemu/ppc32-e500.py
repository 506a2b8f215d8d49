# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: 32-bit e500 (e500v2) on qemu's ppce500 board, with
# KASLR, whose base the CTR leak of 32-bit system calls gives away. The
# board's CCSR (and so its UART) is above 4 GiB: PHYS_64BIT. e500 has no
# classic FPU, which Debian's powerpc user space uses: MATH_EMULATION. The
# UART is the legacy serial port only: on 7.3, of_serial taking it over
# leaves the console silent.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC32=y
CONFIG_PPC_85xx=y
CONFIG_PPC_QEMU_E500=y
CONFIG_RELOCATABLE=y
CONFIG_RANDOMIZE_BASE=y
CONFIG_PHYS_64BIT=y
CONFIG_MATH_EMULATION=y
CONFIG_MATH_EMULATION_FULL=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
# CONFIG_SERIAL_OF_PLATFORM is not set''',
			   qemu_arch='ppc',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-M', 'ppce500', '-cpu', 'e500v2'])
