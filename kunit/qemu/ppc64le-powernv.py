# SPDX-License-Identifier: GPL-2.0
# kunit.py --qemu_config: bare-metal little-endian ppc64, a POWER9 on qemu's
# powernv9 board under skiboot, one CPU: OPAL's console. powernv has
# INTERRUPT_SANITIZE_REGISTERS, so the leak does not exist there. skiboot
# reboots and powers off through the BMC, which -nodefaults leaves out: without
# one, qemu never exits. ppc64le user space needs VSX.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='powerpc',
			   kconfig='''
CONFIG_PPC64=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_PPC_POWERNV=y
CONFIG_HVC_OPAL=y
CONFIG_ALTIVEC=y
CONFIG_VSX=y''',
			   qemu_arch='ppc64',
			   kernel_path='vmlinux',
			   kernel_command_line='console=hvc0',
			   extra_qemu_params=['-M', 'powernv9',
					      '-device', 'ipmi-bmc-sim,id=bmc0',
					      '-device', 'isa-ipmi-bt,bmc=bmc0,irq=10'])
