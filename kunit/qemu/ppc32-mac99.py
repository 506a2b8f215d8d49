# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: 32-bit Book3S with AltiVec, a G4 (7400) PowerMac on
# qemu's mac99 board (one CPU): the same kernel as the G3's, with ALTIVEC.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC32=y
CONFIG_PPC_BOOK3S_32=y
CONFIG_PPC_PMAC=y
CONFIG_ALTIVEC=y
CONFIG_ADB=y
CONFIG_ADB_CUDA=y
CONFIG_SERIAL_PMACZILOG=y
CONFIG_SERIAL_PMACZILOG_TTYS=y
CONFIG_SERIAL_PMACZILOG_CONSOLE=y''',
			   qemu_arch='ppc',
			   kernel_path='vmlinux',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-M', 'mac99,via=cuda', '-cpu', 'G4'])
