# SPDX-License-Identifier: GPL-2.0
"""The verdicts of boot_init.py's boots: judge() takes a mode's console and
gives (passed, failed, what), the last line of what being the verdict."""

import re
import subprocess
import sys

from harness import configs, results
from verdict import judge_kunit

CTR_PROBE = re.compile(r'^ctr_probe: ctr (0x[0-9a-f]+|0) is (?:no kernel symbol|(\S+))$', re.M)
# What /module_init prints before loading a module: the module's KTAP
# follows it on the console, up to init's next line.
LOADING = re.compile(r'^module_init: loading /(\w+)\.ko$', re.M)
INIT_LINE = re.compile(r'^module_init: ', re.M)
# One program /upstream_init ran: its arguments, its output, its wait status.
UPSTREAM_RUN = re.compile(r'^upstream_bench: run ([^\n]*)\n(.*?)^upstream_bench: \S+ exited (0x[0-9a-f]+|0)$',
                          re.M | re.S)
# What scripts/selftests/build.sh's /init prints around the runner.
KSELFTEST_START = re.compile(r'^KSELFTEST-START .*$', re.M)
KSELFTEST_END = re.compile(r'^KSELFTEST-END rc=\d+$', re.M)
# A program's result at the top level, and the guest's uptime /init prints
# after it.
KSELFTEST_RESULT = re.compile(r'^(?:not )?ok \d+ (selftests: [^#\n]*?)\s*(?:#.*)?$')
KSELFTEST_TIME = re.compile(r'^# KSELFTEST-TIME (\d+(?:\.\d+)?)$')
# The runner's header of each program, whose own output follows, "# "-prefixed.
KSELFTEST_PROGRAM = re.compile(r'^# (selftests: .*?)\r?$', re.M)
SKIP_WITHOUT_NAME = re.compile(r'^(ok \d+) # SKIP (.+)$')
RUNNER_PROGRESS = re.compile(r'kselftest: Running tests in \S+')
# LKDTM's PPC_KTHREAD_RETURN: LKDTM saw the function run and its thread
# killed by SIGTRAP, and the one oops is the BUG at the start shim's trap, in
# that thread.
LKDTM_OK = re.compile(r'lkdtm: ok: returning kernel thread (\d+) killed by SIGTRAP')
# Without DEBUG_BUGVERBOSE the BUG names the symbol ("Kernel BUG at" on 6.12).
SHIM_BUG = (r'(?i:kernel BUG at )(?:arch/powerpc/kernel/(?:interrupt_64|entry_32)\.S'
            r'|start_kernel_thread\+)', r'NIP.*start_kernel_thread\+')
# What /thread_cost_init prints, one line per measured cycle.
BENCH_LINE = re.compile(r'^thread_cost: (\w+) (\d+) cycles (\d+) instructions$', re.M)
BENCH_ROWS = ('kthread', 'umh', 'fork')
# What fails a stress boot wherever it appears on the console, by kind.
# Lockdep and the sleep and preemption checks report as "WARNING:" or
# "BUG:" under their own titles, which the first two name.
SPLATS = {
    'KASAN': r'BUG: KASAN: ',
    'KFENCE': r'BUG: KFENCE: ',
    'lockdep': r'WARNING: (?:possible (?:circular|recursive)|inconsistent lock'
               r'|suspicious RCU)|BUG: (?:sleeping function|scheduling while|using smp_processor_id'
               r'|lock held|MAX_LOCKDEP)|INFO: possible irq lock inversion',
    'WARN': r'WARNING: CPU: \d+ PID: ',
    'BUG': r'kernel BUG at |BUG: (?!KASAN|KFENCE|sleeping function|scheduling while'
           r'|using smp_processor_id|lock held|MAX_LOCKDEP)',
    'Oops': r'Oops: ',
    'kmemleak': r'kmemleak: \d+ new suspected memory leaks',
    'lockup': r'soft lockup|hard LOCKUP|self-detected stall|blocked for more than \d+ seconds',
}


def parse_ktap(where, out, ktap, name='load'):
    """[(suite.case, status)] of a console's KTAP (or kselftest's TAP), by
    kunit.py parse (the one of where.tree, harness.Dirs)."""
    (out / f'console-{name}-ktap.log').write_text(ktap)
    json = out / f'{name}.json'
    json.unlink(missing_ok=True)
    subprocess.run([sys.executable, 'tools/testing/kunit/kunit.py', 'parse', f'--json={json}',
                    str(out / f'console-{name}-ktap.log')], cwd=where.tree, capture_output=True)
    return results.kunit_cases(json)


def judge_load(where, name, program, exited, text):
    """The modules' suites, judged together as run_kunit.py judges a run, a
    line per module (its cases and what /module_init measured), and what
    /module_init found, one line each."""
    config = configs.get(name)
    out = where.out(name)
    cases, ktaps, lines = [], [], []
    for module in config.modules:
        loading = next((m for m in LOADING.finditer(text) if m.group(1) == module), None)
        # The KTAP of one module alone: kunit.py parses one document.
        following = INIT_LINE.search(text, loading.end()) if loading else None
        ktap = text[loading.end():following.start() if following else None] if loading else ''
        found = parse_ktap(where, out, ktap, f'load-{module}') if loading else []
        cases += found
        ktaps.append(ktap)
        figures = re.findall(rf'^module_init: (\w+_ms) {re.escape(module)} (\d+)$', text, re.M)
        ok = sum(1 for _, status in found if status == 'PASS')
        lines.append(f'{module}: {ok} of {len(found)} cases passed'
                     + (f'; {", ".join(" ".join(f) for f in figures)}' if figures else ''))
    passed, failed, _, messages = judge_kunit.judge(cases, '\n'.join(ktaps),
                                                    suites=config.module_suites)
    errors = re.findall(r'^module_init: error: (.*)$', text, re.M)
    # A module init did not load, whether it said why or died first.
    errors += [f'{m} did not load' for m in config.modules
               if not re.search(rf'^module_init: load_ms {re.escape(m)} \d+$', text, re.M)
               and not any(e.startswith(f'{m} ') for e in errors)]
    not_run = init_errors(program, exited, text)
    if not not_run and int(exited.group(1), 16):
        not_run = [f'{program} exited {exited.group(1)}']
    errors += not_run
    lines = messages + [f'FAIL {e}' for e in errors] + lines
    lines.append(f'{", ".join(config.modules)}: {passed} passed, {failed + len(errors)} failed')
    return passed, failed + len(errors), '\n'.join(lines)


def judge_lkdtm(program, exited, text):
    """/provoke_crash wrote PPC_KTHREAD_RETURN: the thread must BUG in the
    shim and be killed, and init go on to exit 0."""
    not_run = init_errors(program, exited, text)
    if not not_run and int(exited.group(1), 16):
        errors = re.findall(r'provoke_crash: error: (.*)$', text, re.M)
        not_run = [f'{program} exited {exited.group(1)}: {"; ".join(errors) or "see the log"}']
    if not_run:
        return 0, 1, not_run[0]
    why = re.findall(r'lkdtm: (X?FAIL: .*)$', text, re.M)
    ok = LKDTM_OK.search(text)
    why += [] if ok else ['no "ok:" from LKDTM']
    # The oops is the one of the thread LKDTM waited for.
    patterns = SHIM_BUG + ((rf'PID: {ok.group(1)} Comm: lkdtm_kt_return ',) if ok else ())
    why += [f'no "{p}" on the console' for p in patterns if not re.search(p, text)]
    found = {**splats(text), 'BUG': len(re.findall(r'(?i:kernel BUG at )', text))}
    found['Oops'] = found.get('Oops', 0)
    why += [f'{n} {kind}' for kind, n in found.items()
            if n != (1 if kind in ('BUG', 'Oops') else 0)]
    if why:
        return 0, 1, 'PPC_KTHREAD_RETURN: ' + '; '.join(why)
    return 1, 0, ('PPC_KTHREAD_RETURN: the returning kernel thread ran, hit the trap in '
                  'start_kernel_thread and was killed by SIGTRAP; init went on')


def init_errors(program, exited, text):
    """Why init did not run to its exit; [] if it did."""
    if f'Run {program} as init process' not in text:
        return [f'init did not start {program}{killed(text)}']
    if exited is None:
        return [f'{program} did not exit (hang or crash){killed(text)}']
    return []


def killed(text):
    """", qemu killed after N s" if boot() ended a hung qemu, else ""."""
    m = re.search(r'^\[timed out after (\d+) s\]$', text, re.M)
    return f', qemu killed after {m.group(1)} s' if m else ''


def kaslr_offset(program, text, link):
    """(the KASLR offset CTR gives away, what it showed) for one boot
    without the fixes; the offset is None if CTR held no kernel symbol."""
    exited = re.search(r'Attempted to kill init! exitcode=(0x[0-9a-f]+)', text)
    not_run = init_errors(program, exited, text)
    m = CTR_PROBE.search(text)
    if not_run or not m:
        return None, (not_run or [f'{program} printed no CTR'])[0]
    ctr, symbol = int(m.group(1), 16), m.group(2)
    if not symbol or symbol not in link:
        return None, f'CTR {ctr:#x} is no symbol of System.map'
    offset = ctr - link[symbol]
    # The panic when init exits prints the kernel's own offset, if any.
    told = re.search(r'^(?:\[[^\]]*\])*\s*Kernel Offset: (0x[0-9a-f]+) from', text, re.M)
    if (int(told.group(1), 16) if told else 0) != offset:
        return None, (f'CTR {ctr:#x} is {symbol}, off by {offset:#x}, but the kernel says '
                      f'{told.group(1) if told else "nothing"}')
    return offset, f'CTR {ctr:#x} is {symbol}, linked at {link[symbol]:#x}: offset {offset:#x}'


def judge_kaslr(mode, program, texts, link):
    """(passed, failed, verdict) of the kaslr modes over their boots."""
    if mode == 'kaslr':
        m = CTR_PROBE.search(texts[0])
        exited = re.search(r'Attempted to kill init! exitcode=(0x[0-9a-f]+)', texts[0])
        not_run = init_errors(program, exited, texts[0]) or ([] if m else ['no CTR printed'])
        if not_run:
            return 0, 1, not_run[0]
        if int(m.group(1), 16) == 0:
            return 1, 0, 'CTR came back 0 after getpid(): nothing to give the base away'
        return 0, 1, f'CTR came back {m.group(1)} after getpid() ({m.group(2) or "no symbol"})'
    # An offset of 0 is a base KASLR chose too, and CTR gives it away.
    found = [kaslr_offset(program, text, link) for text in texts]
    offsets = {offset for offset, _ in found if offset is not None}
    what = '; '.join(why for _, why in found)
    if len(offsets) >= 2 and all(offset is not None for offset, _ in found):
        return 1, 0, f'the leaked CTR gives the randomised base away in every boot: {what}'
    return 0, 1, f'CTR did not give two different KASLR offsets away: {what}'


def judge(mode, program, text, name='', where=None):
    """(passed, failed, verdict line) for one boot; name is the configuration,
    and where (harness.Dirs) the kernel's build and tree, which only the load
    and kselftest modes need."""
    m = re.search(r'Attempted to kill init! exitcode=(0x[0-9a-f]+)', text)
    if mode == 'stress':
        return judge_stress(program, m, text)
    if mode == 'load':
        return judge_load(where, name, program, m, text)
    if mode.startswith('kselftest'):
        return judge_kselftest(where, name, text)
    if mode == 'lkdtm':
        return judge_lkdtm(program, m, text)
    not_run = init_errors(program, m, text)
    if not_run:
        return 0, 1, not_run[0]
    code = int(m.group(1), 16)  # a wait status: 0 is exit(0)
    leaks = sorted(set(judge_kunit.LEAK.findall(text)))
    if mode == 'init':
        if code == 0:
            return 1, 0, 'init (PID 1) ran exec_entry in user space and exited 0'
        return 0, 1, f'exec_entry as init failed: {"; ".join(leaks) or m.group(1)}'
    clean = bool(name) and mode.endswith('-before') and configs.get(name).before_passes
    if mode in ('user-regs', 'user-regs-compat') or clean:
        ok = len(re.findall(r'^success: ', text, re.M))
        bad = len(re.findall(r'^failure: ', text, re.M))
        if code == 0 and ok and not bad:
            return ok, 0, f'user_regs: {ok} tests passed' + (
                ' without the fixes, as it must on a kernel that never leaked' if clean else '')
        return ok, max(bad, 1), (f'user_regs failed ({m.group(1)}): '
                                 f'{"; ".join(leaks) or "see the log"}')
    if mode in ('user-regs-before', 'user-regs-compat-before'):
        if code != 0 and leaks:
            return 1, 0, f'user_regs failed, as it must without the fixes: {"; ".join(leaks)}'
        if code == 0:
            return 0, 1, 'user_regs passed on a kernel without the fixes'
        return 0, 1, f'user_regs failed ({m.group(1)}) without naming a register'
    if mode == 'upstream':
        return judge_upstream(program, m, text)
    # bench
    rows = {m.group(1): m.group(0) for m in BENCH_LINE.finditer(text)}
    if code == 0 and all(r in rows for r in BENCH_ROWS):
        return 1, 0, '; '.join(rows[r] for r in BENCH_ROWS)
    failed = re.findall(r'^thread_cost: .*fail.*$', text, re.M)
    return 0, 1, f'thread_cost_init failed: {"; ".join(failed) or m.group(1)}'


def splats(text):
    """{kind: count} of the reports in SPLATS on the console."""
    found = {kind: len(re.findall(pattern, text)) for kind, pattern in SPLATS.items()}
    return {kind: n for kind, n in found.items() if n}


def judge_kselftest(where, name, text):
    """A line per test program kselftest's runner ran, "STATUS name", as
    kunit.py parses the runner's TAP; last, the counts. It fails only if the
    runner did not finish: which results are right is for
    scripts/selftests/table.py, against the base."""
    start, end = KSELFTEST_START.search(text), KSELFTEST_END.search(text)
    # The runner prints a TAP document per target (collection): each is
    # parsed on its own, as kunit.py parses one document.
    blocks = re.split(r'^(?=TAP version \d+$)', text[start.end():end.start() if end else None],
                      flags=re.M)[1:] if start else []
    cases = [case for i, block in enumerate(blocks)
             for case in parse_ktap(where, where.out(name), block, f'kselftest-{i + 1}')]
    lines = ([f'{status} {case}' for case, status in cases]
             + [f'CASE {status} {case}' for case, status in kselftest_cases(where, name, blocks)]
             + kselftest_times(text))
    counts = {s: sum(1 for _, st in cases if st == s) for s in ('PASS', 'FAIL', 'SKIP')}
    summary = (f'kselftest: {len(cases)} programs: {counts["PASS"]} passed, '
               f'{counts["FAIL"]} failed, {counts["SKIP"]} skipped')
    if not start or not end:
        why = ('the runner did not start' if not start else
               f'the runner did not finish (hang or crash){killed(text)}')
        return 0, 1, '\n'.join(lines + [f'FAIL {why}', summary])
    return 1, 0, '\n'.join(lines + [summary])


def kselftest_cases(where, name, blocks):
    """[(program: case, status)] of each program that prints TAP of its own
    (the kselftest harness's test cases), parsed by kunit.py like the
    runner's: a program that fails on both kernels may still pass a case on
    one only. The runner prefixes that TAP with "# "."""
    out = where.out(name) / 'kselftest-cases'
    out.mkdir(exist_ok=True)
    found, n = [], 0
    for block in blocks:
        # The runner's progress line, on stderr, can land inside a
        # program's line on the console ("...get_set_sudkselftest: ...").
        block = RUNNER_PROGRESS.sub('', block)
        headers = list(KSELFTEST_PROGRAM.finditer(block))
        for i, header in enumerate(headers):
            end = headers[i + 1].start() if i + 1 < len(headers) else len(block)
            own = [line.rstrip('\r')[2:] for line in block[header.end():end].splitlines()
                   if line.startswith('# ')]
            first = next((k for k, line in enumerate(own) if line.startswith('TAP version')), None)
            if first is None:
                continue
            # kselftest.h's ksft_test_result_skip() prints "ok N # SKIP what",
            # with no name: what it skipped names the case, as KTAP wants.
            ktap = ''.join(SKIP_WITHOUT_NAME.sub(r'\1 \2 # SKIP', line) + '\n'
                           for line in own[first:])
            n += 1
            # A case still without a name cannot be matched between kernels.
            found += [(f'{header.group(1)}: {case}', status)
                      for case, status in parse_ktap(where, out, ktap, f'program-{n}') if case]
    return found


def kselftest_times(text):
    """"TIME SECONDS PROGRAM" for each program, from the uptimes /init prints
    before the first and after each one (guest seconds: TCG's cost)."""
    lines, program, last = [], None, None
    for line in text.splitlines():
        m = KSELFTEST_RESULT.match(line)
        if m:
            program = m.group(1)
            continue
        t = KSELFTEST_TIME.match(line)
        if t:
            now = float(t.group(1))
            if program and last is not None:
                lines.append(f'TIME {now - last:.1f} {program}')
            program, last = None, now
    return lines


# The signals a benchmark dies of on a CPU it was not built for, or a bug.
SIGNALS = {4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV'}


def killed_by(status):
    """What a wait status says of a program that failed: the signal that
    killed it or its exit status; None for success."""
    sig = status & 0x7f
    if sig == 0x7f:
        return None
    if not sig:
        return f'exit status {status >> 8}' if status else None
    return f'killed by signal {sig}' + (f' ({SIGNALS[sig]})' if sig in SIGNALS else '')


def judge_upstream(program, exited, text):
    """Each benchmark /upstream_init ran, a line each: its arguments, then
    "exited 0x0:" and the figures it printed (null_syscall's, or the counts
    per guest second), or why it failed; last, how many failed."""
    lines, failed = [], 0
    for run in UPSTREAM_RUN.finditer(text):
        args, body, status = run.group(1), run.group(2), run.group(3)
        figures = re.findall(r'^\s*([\d.]+) ns\s', body, re.M) or re.findall(r'^(\d+)$', body, re.M)
        bad = int(status, 16) != 0 or not figures
        failed += bad
        # The reason: perror()'s line, or the kernel's report of the signal.
        said = [line.strip() for line in body.splitlines() if line.strip()
                and not re.match(r'\d+$|Using |\S+\[\d+\]: code: ', line.strip())]
        why = said[0] if said else killed_by(int(status, 16)) or 'no figures'
        lines.append(f'{args}: exited {status}: '
                     + (f'FAIL {why}' if bad else ' '.join(figures)))
    not_run = init_errors(program, exited, text)
    if not lines:
        not_run = not_run or ['ran no benchmark']
    problems = failed + len(not_run)
    lines += [f'FAIL {e}' for e in not_run]
    lines.append(f'upstream benchmarks: {len(lines) - len(not_run) - failed} ran, '
                 f'{problems} failed')
    return (0, 1, '\n'.join(lines)) if problems else (1, 0, '\n'.join(lines))


def judge_stress(program, exited, text):
    """The figures init printed, the splat count, and last "stress: PASS" or
    "stress: FAIL (...)", one a line."""
    found = splats(text)
    errors = re.findall(r'^stress: error: (.*)$', text, re.M)
    figures = re.findall(r'^stress: (?!error:|init )\w.*$', text, re.M)
    code = int(exited.group(1), 16) if exited else None
    errors += init_errors(program, exited, text)
    problems = ([f'{n} {kind}' for kind, n in found.items()] + errors
                + ([f'init exited {code:#x}'] if code and not errors else []))
    lines = figures[1:] + [f'stress: splats {sum(found.values())}']
    if problems:
        return 0, 1, '\n'.join(lines + [f'stress: FAIL ({"; ".join(problems)})'])
    return 1, 0, '\n'.join(lines + ['stress: PASS'])
