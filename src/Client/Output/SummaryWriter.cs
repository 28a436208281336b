using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Grains.Interfaces.Jobs;

namespace Platform.Client.Output;

/// <summary>Writes a job summary as JSON with snake_case keys; figures that do not exist are null.</summary>
internal static class SummaryWriter
{
    public static JsonObject ToJson(JobSummary s) => new()
    {
        ["job_id"] = s.JobId,
        ["status"] = s.Status.Label(),
        ["epochs"] = Number(s.Epochs),
        ["steps"] = s.Steps,
        ["final_train_loss"] = Number(s.FinalTrainLoss),
        ["test_accuracy"] = Number(s.TestAccuracy),
        ["test_loss"] = Number(s.TestLoss),
        ["samples_per_second"] = Number(s.SamplesPerSecond),
        ["workers"] = s.Workers,
        ["parameter_l2"] = Number(s.ParameterL2),
        ["parameter_l2_by_rank"] = new JsonArray([.. (s.RankParameterL2.IsDefault ? [] : s.RankParameterL2).Select(Number)]),
        ["train_seconds"] = Number(s.TrainSeconds),
        ["findings"] = Records(s.Findings),
        ["remedies"] = Records(s.Remedies),
        ["audit_omitted"] = s.AuditOmitted > 0 ? s.AuditOmitted : null,
        ["error"] = s.Error,
        ["last_checkpoint"] = s.LastCheckpoint,
        ["silos"] = new JsonArray([.. s.Silos.Select(a => (JsonNode)a)]),
        ["allreduce_transport"] = s.Transport,
        ["threads"] = s.Threads > 0 ? s.Threads : null,
        ["step_phases_ms"] = s.PhaseMs is { } phases ? new JsonObject(phases.Select(p => KeyValuePair.Create(p.Key, Number(p.Value)))) : null,
        ["loss_history"] = new JsonArray([.. s.LossHistory.Select(Number)]),
        ["validation_history"] = s.Validations.IsDefaultOrEmpty ? null : new JsonArray([.. s.Validations.Select(v => (JsonNode)new JsonArray(v.Step, Number(v.Loss), Number(v.Accuracy)))]),
        ["best_validation"] = s.Validations.IsDefaultOrEmpty ? null : Best(s),
        ["gradient_noise_scale"] = s.GradientNoiseScale is { } noise ? Number(noise) : null,
        ["gradient_noise_scale_history"] = s.GradientNoiseScaleHistory.IsDefaultOrEmpty ? null : new JsonArray([.. s.GradientNoiseScaleHistory.Select(p => (JsonNode)new JsonArray(p.Step, Number(p.Value)))]),
        ["batch_schedule"] = s.BatchSchedule.IsDefaultOrEmpty ? null : new JsonArray([.. s.BatchSchedule.Select(b => (JsonNode)new JsonArray(b.Step, b.Batch))]),
        ["advice"] = s.Advice is { } a ? new JsonObject { ["critical_batch"] = a.CriticalBatch, ["batch"] = a.Batch, ["text"] = a.Text } : null,
    };

    /// <summary>The evaluation of lowest validation loss, and whether the run ended with its weights.</summary>
    private static JsonObject Best(JobSummary s)
    {
        var best = s.Validations.MinBy(v => v.Loss)!;
        return new JsonObject
        {
            ["step"] = best.Step,
            ["loss"] = Number(best.Loss),
            ["accuracy"] = Number(best.Accuracy),
            ["kept"] = s.KeptStep == best.Step || best.Step == s.Steps,
        };
    }

    public static void Write(string file, JobSummary summary)
    {
        var full = Path.GetFullPath(file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, ToJson(summary).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static JsonArray Records(IEnumerable<AuditRecord> records) =>
        new([.. records.Select(r => (JsonNode)new JsonObject
        {
            ["step"] = r.Step,
            ["kind"] = r.Kind,
            ["layers"] = new JsonArray([.. (r.Layers.IsDefault ? [] : r.Layers).Select(l => (JsonNode)l)]),
            ["value"] = Number(r.Value),
            ["threshold"] = Number(r.Threshold),
            ["detail"] = r.Detail,
        })]);
}
