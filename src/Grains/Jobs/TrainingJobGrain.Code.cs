using Platform.Grains.Interfaces.Jobs;
using Platform.Spec;

namespace Platform.Grains.Jobs;

/// <summary>The user's model code: checked, kept with the job (grain state and checkpoint folder), and shipped to every rank.</summary>
public sealed partial class TrainingJobGrain
{
    /// <summary>
    /// Keeps the code this start runs; returns why the job cannot start, or null. A resumed job runs the
    /// code it was trained with (kept in its record, or in its checkpoint folder when the record is
    /// gone), not what the path holds now.
    /// </summary>
    private async Task<string?> KeepCodeAsync(JobSpec spec, JobSubmission submission, string checkpointDir)
    {
        if (!userCode.Allowed)
        {
            return $"model.kind: {userCode.RefusalFor(RuntimeIdentity)}";
        }

        List<JobCodeFile> files = submission.Resume && code.State.Files.Count > 0 ? code.State.Files
            : submission.Resume && JobCode.Load(checkpointDir) is { Count: > 0 } saved ? saved
            : [.. submission.Code ?? []];
        if (files.Count == 0)
        {
            return $"model.path: no code was shipped with the job for {spec.Model.Path}";
        }

        try
        {
            JobCode.Verified(files);
            JobCode.Save(checkpointDir, files);
        }
        catch (SpecException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"checkpoint.dir: could not keep the model code in {checkpointDir}: {e.Message}";
        }

        code.State = new JobCodeRecord { Files = files };
        await code.WriteStateAsync();
        return null;
    }
}
