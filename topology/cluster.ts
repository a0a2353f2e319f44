/**
 * Where the single-node Kubernetes listens (`outage-lab cluster up`): every listener on
 * 127.0.0.1, the node named `localhost` (which resolves to 127.0.0.1, so the API server reaches
 * the kubelet by its Hostname address on loopback). One cluster per machine, beside any labs.
 */
export interface ClusterTopology {
  readonly address: string;
  /** The node's name and the API server's name in its certificate. */
  readonly nodeName: string;
  readonly etcd: { readonly client: number; readonly peer: number };
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kubelet: { readonly port: number; readonly healthz: number };
  /** Allocated Service addresses; nothing is sent to them (no kube-proxy, no Service in use). */
  readonly serviceCidr: string;
}

export function clusterTopology(): ClusterTopology {
  return {
    address: '127.0.0.1',
    nodeName: 'localhost',
    etcd: { client: 2379, peer: 2380 },
    apiserver: 6443,
    controllerManager: 10257,
    scheduler: 10259,
    kubelet: { port: 10250, healthz: 10248 },
    serviceCidr: '10.96.0.0/24',
  };
}

/** Every TCP endpoint the cluster listens on, with its owner (what must be free before `cluster up`). */
export function clusterEndpoints(t: ClusterTopology): { owner: string; endpoint: { address: string; port: number } }[] {
  const at = (owner: string, port: number) => ({ owner, endpoint: { address: t.address, port } });
  return [
    at('etcd (clients)', t.etcd.client),
    at('etcd (peers)', t.etcd.peer),
    at('kube-apiserver', t.apiserver),
    at('kube-controller-manager', t.controllerManager),
    at('kube-scheduler', t.scheduler),
    at('kubelet', t.kubelet.port),
    at('kubelet (healthz)', t.kubelet.healthz),
  ];
}
