using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Provenance.Detector.Onnx;

namespace Provenance.Detector.Tests.Onnx;

public class OnnxGraphBuilderTests
{
    [Fact]
    public void ADenseLayerWrittenByTheBuilderRunsInOnnxRuntimeAndMatchesPlainArithmetic()
    {
        var random = new Random(11);
        float[] weights = Enumerable.Range(0, 4 * 3).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        float[] bias = [0.1f, -0.2f, 0.3f];
        var g = new OnnxGraphBuilder("dense");
        g.Input("x", TensorElementType.Float, "batch", 4).Output("y", TensorElementType.Float, "batch", 3);
        var product = g.Node("MatMul", ["x", g.Initializer("w", weights, 4, 3)]);
        g.NodeNamed("Relu", [g.Node("Add", [product, g.Initializer("b", bias, 3)])], "y");
        var x = Enumerable.Range(0, 5 * 4).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
        using var session = new InferenceSession(g.ToBytes());

        using var input = OrtValue.CreateTensorValueFromMemory(x, [5, 4]);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        for (var row = 0; row < 5; row++)
        {
            for (var col = 0; col < 3; col++)
            {
                var expected = bias[col];
                for (var k = 0; k < 4; k++)
                {
                    expected += x[row * 4 + k] * weights[k * 3 + col];
                }
                Assert.Equal(Math.Max(expected, 0f), y[row * 3 + col], 5);
            }
        }
    }

    [Fact]
    public void HalfPrecisionInitializersReadBackThroughACast()
    {
        float[] table = [0.5f, -1.25f, 3f, 1e-3f];
        var g = new OnnxGraphBuilder("half");
        g.Input("i", TensorElementType.Int64, 2).Output("v", TensorElementType.Float, 2);
        var rows = g.Node("Gather", [g.InitializerHalf("t", table, 4), "i"]);
        g.NodeNamed("Cast", [rows], "v", OnnxAttribute.Int("to", (long)TensorElementType.Float));
        using var session = new InferenceSession(g.ToBytes());

        using var input = OrtValue.CreateTensorValueFromMemory(new long[] { 3, 1 }, [2]);
        using var outputs = session.Run(new RunOptions(), ["i"], [input], ["v"]);
        var values = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal((float)(Half)1e-3f, values[0]);
        Assert.Equal(-1.25f, values[1]);
    }

    [Fact]
    public void ReusingAValueNameIsRejected()
    {
        var g = new OnnxGraphBuilder("dup");
        g.Input("x", TensorElementType.Float, 1);

        var error = Assert.Throws<ArgumentException>(() => g.Initializer("x", [1f], 1));

        Assert.Contains("'x'", error.Message);
    }

    [Fact]
    public void AnInitializerMustHoldAsManyValuesAsItsShapeSays()
    {
        var g = new OnnxGraphBuilder("shape");

        var error = Assert.Throws<ArgumentException>(() => g.Initializer("w", [1f, 2f, 3f], 2, 2));

        Assert.Contains("3 values", error.Message);
    }
}
