// Kubernetes manifests validated against the Kubernetes OpenAPI schemas (kubernetes-models' validators), and
// cross-checked: the Service and the PDB select the Deployment's pods, probes use a container port, the HPA
// targets the Deployment, the grace period covers the graceful timeout, kustomization lists every manifest.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, type IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, type IService } from 'kubernetes-models/v1';
import { exportApp } from '../../src/export/index.js';
import { ASSUMED_WORKER_RSS_MIB, GATEWAY_RSS_MIB, podResources } from '../../src/export/kubernetes.js';
import { ALL_PROJECTS, exportInput, FLASK_FACTORY } from './fixtures.js';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
};

function manifests(
  files: readonly { path: string; content: string }[],
): Map<string, { apiVersion: string; kind: string } & Record<string, unknown>> {
  const out = new Map<string, { apiVersion: string; kind: string } & Record<string, unknown>>();
  for (const f of files) {
    if (!f.path.endsWith('.yaml') || f.path.endsWith('kustomization.yaml') || f.path.endsWith('prometheus-scrape.yaml')) continue;
    for (const doc of parseAllDocuments(f.content)) {
      expect(doc.errors, f.path).toEqual([]);
      const obj = doc.toJS() as { apiVersion: string; kind: string };
      out.set(f.path.replace('kubernetes/', ''), obj as never);
    }
  }
  return out;
}

describe('kubernetes export', () => {
  for (const [name, folder] of Object.entries(ALL_PROJECTS)) {
    it(`validates against the Kubernetes schemas and hangs together: ${name}`, async () => {
      const r = exportApp('kubernetes', await exportInput(folder), {
        ingressHost: `${name}.example.com`,
        image: `registry.example.com/${name}:1.0`,
      });
      const objs = manifests(r.files);
      expect([...objs.keys()].sort()).toEqual([
        'configmap.yaml',
        'deployment.yaml',
        'hpa.yaml',
        'ingress.yaml',
        'pdb.yaml',
        'secret.yaml',
        'service.yaml',
      ]);
      for (const [file, obj] of objs) {
        const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
        expect(Model, `${file}: ${obj.apiVersion} ${obj.kind}`).toBeDefined();
        expect(() => new Model!(obj as never).validate(), file).not.toThrow();
      }
      const dep = objs.get('deployment.yaml') as unknown as IDeployment;
      const svc = objs.get('service.yaml') as unknown as IService;
      const hpa = objs.get('hpa.yaml') as unknown as IHorizontalPodAutoscaler;
      const pdb = objs.get('pdb.yaml') as unknown as IPodDisruptionBudget;
      const ing = objs.get('ingress.yaml') as unknown as IIngress;
      const podLabels = dep.spec!.template.metadata!.labels!;
      const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
      expect(selects(dep.spec!.selector.matchLabels!)).toBe(true);
      expect(selects(svc.spec!.selector!)).toBe(true);
      expect(selects(pdb.spec!.selector!.matchLabels!)).toBe(true);
      const c = dep.spec!.template.spec!.containers[0]!;
      const portNames = new Set(c.ports!.map((p) => p.name));
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
        expect(probe?.httpGet?.path).toBe('/healthz');
        expect(portNames.has(String(probe!.httpGet!.port))).toBe(true);
      }
      expect(portNames.has(String(svc.spec!.ports![0]!.targetPort))).toBe(true);
      // The container's --metrics-bind serves the probes' port, --bind the Service's.
      const args = c.args!;
      expect(args[args.indexOf('--metrics-bind') + 1]).toBe(`0.0.0.0:${c.ports!.find((p) => p.name === 'metrics')!.containerPort}`);
      expect(args[args.indexOf('--bind') + 1]).toBe(`0.0.0.0:${c.ports!.find((p) => p.name === 'http')!.containerPort}`);
      expect(hpa.spec!.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata!.name });
      expect(ing.spec!.rules![0]!.http!.paths[0]!.backend.service!.name).toBe(svc.metadata!.name);
      // Rolling updates drop nothing: the grace period outlasts preStop + graceful timeout.
      const graceful = Number(args.includes('--graceful-timeout') ? args[args.indexOf('--graceful-timeout') + 1] : 30);
      expect(dep.spec!.template.spec!.terminationGracePeriodSeconds!).toBeGreaterThanOrEqual(graceful + 5);
      expect(c.lifecycle!.preStop!.exec!.command).toEqual(['sleep', '5']);
      expect(dep.spec!.template.metadata!.annotations!['prometheus.io/port']).toBe(
        String(c.ports!.find((p) => p.name === 'metrics')!.containerPort),
      );
      // envFrom names the ConfigMap and Secret that are exported.
      expect(c.envFrom!.map((e) => e.configMapRef?.name ?? e.secretRef?.name).sort()).toEqual(
        [objs.get('configmap.yaml')!.metadata, objs.get('secret.yaml')!.metadata].map((m) => (m as { name: string }).name).sort(),
      );
      // kustomization lists exactly the manifests.
      const kust = parseAllDocuments(r.files.find((f) => f.path === 'kubernetes/kustomization.yaml')!.content)[0]!.toJS() as {
        resources: string[];
      };
      expect([...kust.resources].sort()).toEqual([...objs.keys()].sort());
    });
  }

  it('sizes pods from measured worker memory when Gantry has it', async () => {
    const input = await exportInput(FLASK_FACTORY);
    const measured = exportApp('kubernetes', { ...input, workerRssBytes: 50 * 1024 * 1024 });
    expect(measured.files[0]!.content).toContain(`memory: ${2 * 50 + GATEWAY_RSS_MIB}Mi`);
    expect(measured.files[0]!.content).toMatch(/measured: 50 MiB per worker/);
    expect(podResources(3, null).requests.memory).toBe(`${3 * ASSUMED_WORKER_RSS_MIB + GATEWAY_RSS_MIB}Mi`);
  });

  it('rejects what the schemas reject (the check can fail)', () => {
    expect(() =>
      new Deployment({
        metadata: { name: 'x' },
        spec: { selector: {}, template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 'x' as never }] }] } } },
      }).validate(),
    ).toThrow(/containerPort/);
  });
});
