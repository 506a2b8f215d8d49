# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: 44x, the 440EP of qemu's bamboo board, one CPU. The
# board's device tree is qemu's bamboo.dtb; its UART, on the OPB, is a legacy
# serial port. The 440EP has an FPU, so Debian's powerpc programs run as
# they are.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC32=y
CONFIG_44x=y
CONFIG_BAMBOO=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
# CONFIG_SERIAL_OF_PLATFORM is not set''',
			   qemu_arch='ppc',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-M', 'bamboo'])
