# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: little-endian ppc64 on a POWER9 pseries guest, 2 vCPUs.
# ppc64le user space (the selftest, glibc) needs VSX, part of its ABI baseline.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_PPC_PSERIES=y
CONFIG_SMP=y
CONFIG_NR_CPUS=4
CONFIG_HVC_CONSOLE=y
CONFIG_ALTIVEC=y
CONFIG_VSX=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'pseries', '-cpu', 'power9',
					      '-smp', '2'])
