// torch's thread count is one setting for the whole process (TrainingSession sets it from the spec),
// and a reduction split over a different number of threads rounds differently: tests that compare
// runs bit for bit must not have another test change it under them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
