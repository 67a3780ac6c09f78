/**
 * A one-node Slurm cluster for a test, started and stopped by the test: munged, slurmctld and slurmd
 * from Debian's `munge` and `slurm-wlm`, with every key, socket, state file, log and pid file in one
 * temporary folder, so nothing of the machine's own (/etc/munge, /etc/slurm, /run) is used or
 * changed. The daemons run as the user running the test (SlurmUser and SlurmdUser are that user),
 * which works for root and for an ordinary user alike: jobs then run as that user, which is all a
 * one-user test cluster needs. Facts behind the configuration: ../shared/docs/slurm-single-node.md.
 */
import { execFile, spawn, type ExecFileOptions } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface SlurmCluster {
  dir: string;
  conf: string;
  /** The environment for sbatch, squeue, scontrol: SLURM_CONF set, node on PATH. */
  env: NodeJS.ProcessEnv;
  /** Stops the daemons this cluster started (by the pids in its pid files) and removes the folder. */
  stop(): Promise<void>;
  /** The daemons' logs, for a failure message. */
  logs(): string;
}

export function run(cmd: string, args: string[], options: ExecFileOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { encoding: 'utf8', timeout: 60_000, ...options }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr, message: `${cmd} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}` }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    }),
  );
}

/**
 * Starts a daemon and waits for its starting process to exit (the daemon forks and goes on). Its
 * output goes to a file, not a pipe: a pipe inherited by the forked daemon would never close.
 */
async function daemon(cmd: string, args: string[], env: NodeJS.ProcessEnv, outFile: string): Promise<void> {
  const fd = openSync(outFile, 'a');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] });
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`${cmd} exited with ${code}: ${readFileSync(outFile, 'utf8')}`);
  } finally {
    closeSync(fd);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Running, and not a zombie waiting for init to reap it (daemons are init's children). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] !== 'Z';
  } catch {
    return false;
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL if it has not gone within 10 s. */
async function stopPid(pid: number | null): Promise<void> {
  if (pid === null || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** Starts the cluster; on any failure stops what it had started and throws with the logs. */
export async function startSlurm(): Promise<SlurmCluster> {
  // munged wants the folders on the way to its socket searchable by all, and its key private.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tf-slurm-'));
  chmodSync(dir, 0o755);
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(path.join(dir, sub), { mode: 0o755 });
  const key = path.join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = path.join(dir, 'munge', 'munge.socket');
  const pids = {
    munged: path.join(dir, 'munge', 'munged.pid'),
    slurmctld: path.join(dir, 'slurmctld.pid'),
    slurmd: path.join(dir, 'slurmd.pid'),
  };
  const conf = path.join(dir, 'slurm.conf');
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}` };
  const logs = () =>
    ['log/start.txt', 'munge/munged.log', 'log/slurmctld.log', 'log/slurmd.log']
      .map((f) => path.join(dir, f))
      .filter((f) => existsSync(f))
      .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-30).join('\n')}`)
      .join('\n');
  const stop = async () => {
    // Order: the node daemon, the controller, then the credential daemon they both use.
    await stopPid(readPid(pids.slurmd));
    await stopPid(readPid(pids.slurmctld));
    await stopPid(readPid(pids.munged));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = path.join(dir, 'log', 'start.txt');
    await daemon('/usr/sbin/munged', [`--key-file=${key}`, `--socket=${socket}`, `--pid-file=${pids.munged}`, `--log-file=${path.join(dir, 'munge', 'munged.log')}`, `--seed-file=${path.join(dir, 'munge', 'munged.seed')}`], env, started);
    const { stdout: cred } = await run('/usr/bin/munge', ['-n', '-S', socket]);
    const check = await new Promise<string>((resolve, reject) => {
      const child = execFile('/usr/bin/unmunge', ['-S', socket], { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
      child.stdin!.end(cred);
    });
    if (!check.includes('STATUS:          Success (0)')) throw new Error(`munge does not work:\n${check}`);

    const host = os.hostname().split('.')[0];
    const user = os.userInfo().username;
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    const memoryMb = Math.floor(os.totalmem() / 2 ** 20 / 2);
    writeFileSync(
      conf,
      [
        'ClusterName=tftest',
        `SlurmctldHost=${host}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `SlurmUser=${user}`,
        `SlurmdUser=${user}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'MpiDefault=none',
        'MailProg=/bin/true',
        `StateSaveLocation=${path.join(dir, 'state')}`,
        `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
        `SlurmctldPidFile=${pids.slurmctld}`,
        `SlurmdPidFile=${pids.slurmd}`,
        `SlurmctldLogFile=${path.join(dir, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${path.join(dir, 'log', 'slurmd.log')}`,
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.availableParallelism()} RealMemory=${memoryMb} State=UNKNOWN`,
        `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    await daemon('/usr/sbin/slurmctld', ['-f', conf], env, started);
    await daemon('/usr/sbin/slurmd', ['-f', conf], env, started);
    let state = '';
    for (let i = 0; i < 120 && state !== 'idle'; i++) {
      await sleep(250);
      state = (await run('sinfo', ['-h', '-o', '%T'], { env }).catch(() => ({ stdout: '' }))).stdout.trim();
    }
    if (state !== 'idle') throw new Error(`the Slurm node is "${state || 'not answering'}" after 30 s`);
    return { dir, conf, env, stop, logs };
  } catch (err) {
    const message = `${(err as Error).message}\n${logs()}`;
    await stop();
    throw new Error(`could not start a one-node Slurm (Debian packages munge and slurm-wlm; .ci/run installs them): ${message}`);
  }
}

/** Waits until the job has left the queue and returns its final state (COMPLETED, FAILED, CANCELLED, ...). */
export async function waitForJob(cluster: SlurmCluster, id: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { stdout } = await run('scontrol', ['-o', 'show', 'job', id], { env: cluster.env });
    const states = [...stdout.matchAll(/JobState=(\S+)/g)].map((m) => m[1]);
    if (states.length > 0 && states.every((s) => !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'SUSPENDED'].includes(s))) return states.join(',');
    await sleep(250);
  }
  throw new Error(`job ${id} did not end within ${timeoutMs / 1000} s\n${cluster.logs()}`);
}
