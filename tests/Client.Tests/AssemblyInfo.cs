// These tests start real processes (silos, training runs, Redis) and some assert time limits;
// run one class at a time so that they do not starve each other on a small machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
