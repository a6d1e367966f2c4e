namespace Harness.Load.Stats;

/// <summary>
/// The standard normal distribution in double precision, without a numerics package: W. J. Cody's rational
/// Chebyshev approximations for erfc (ACM TOMS Algorithm 715, CALERF; relative error below 1e-15 checked against
/// mpmath on [-6, 26.5]) and P. J. Acklam's inverse normal, polished with one Halley step on that erfc.
/// </summary>
internal static class StandardNormal
{
    private const double OneOverSqrtPi = 0.56418958354775628695;
    private const double SqrtTwo = 1.4142135623730950488;
    private const double SqrtTwoPi = 2.5066282746310005024;

    // Beyond this erfc underflows to zero.
    private const double ErfcUnderflow = 26.543;

    private const double AcklamLow = 0.02425;

    private static readonly double[] A = [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1];
    private static readonly double[] B = [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03];
    private static readonly double[] C =
    [
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
        1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8,
    ];

    private static readonly double[] D =
    [
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03, 3.29079923573345963e03,
        4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03,
    ];

    private static readonly double[] P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
    private static readonly double[] Q = [2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];

    private static readonly double[] AcklamA = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] AcklamB = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] AcklamC = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] AcklamD = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    /// <summary>Φ(z), accurate in relative terms far into the lower tail (erfc of a positive argument).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / SqrtTwo);

    /// <summary>Φ⁻¹(p) for p in (0, 1); ±∞ at 0 and 1.</summary>
    public static double Quantile(double p)
    {
        if (p <= 0)
        {
            return double.NegativeInfinity;
        }

        if (p >= 1)
        {
            return double.PositiveInfinity;
        }

        // 1 - p is exact for p >= 0.5, so the upper half is the mirror of the accurate lower half.
        if (p > 0.5)
        {
            return -Quantile(1 - p);
        }

        double x;
        if (p < AcklamLow)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((((((AcklamC[0] * q) + AcklamC[1]) * q) + AcklamC[2]) * q) + AcklamC[3]) * q) + AcklamC[4]) * q) + AcklamC[5];
            x /= (((((((AcklamD[0] * q) + AcklamD[1]) * q) + AcklamD[2]) * q) + AcklamD[3]) * q) + 1;
        }
        else
        {
            var q = p - 0.5;
            var r = q * q;
            x = ((((((((((AcklamA[0] * r) + AcklamA[1]) * r) + AcklamA[2]) * r) + AcklamA[3]) * r) + AcklamA[4]) * r) + AcklamA[5]) * q;
            x /= (((((((((AcklamB[0] * r) + AcklamB[1]) * r) + AcklamB[2]) * r) + AcklamB[3]) * r) + AcklamB[4]) * r) + 1;
        }

        // Acklam alone is good to ~1e-9; one Halley step on the exact CDF takes it to ~1e-15.
        var e = Cdf(x) - p;
        var u = e * SqrtTwoPi * Math.Exp(x * x / 2);
        return x - (u / (1 + (x * u / 2)));
    }

    /// <summary>The complementary error function, 1 - erf(x), per Cody's CALERF.</summary>
    public static double Erfc(double x)
    {
        var y = Math.Abs(x);
        double result;
        if (y <= 0.46875)
        {
            var ysq = y > 1.11e-16 ? y * y : 0;
            var num = A[4] * ysq;
            var den = ysq;
            for (var i = 0; i < 3; i++)
            {
                num = (num + A[i]) * ysq;
                den = (den + B[i]) * ysq;
            }

            return 1 - (x * (num + A[3]) / (den + B[3]));
        }

        if (y <= 4)
        {
            var num = C[8] * y;
            var den = y;
            for (var i = 0; i < 7; i++)
            {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }

            result = (num + C[7]) / (den + D[7]);
        }
        else if (y >= ErfcUnderflow)
        {
            result = 0;
        }
        else
        {
            var ysq = 1 / (y * y);
            var num = P[5] * ysq;
            var den = ysq;
            for (var i = 0; i < 4; i++)
            {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }

            result = ysq * (num + P[4]) / (den + Q[4]);
            result = (OneOverSqrtPi - result) / y;
        }

        if (result != 0)
        {
            // exp(-y²) split as exp(-t²)·exp(-(y-t)(y+t)) with t = y rounded down to 1/16, to keep y² from losing bits.
            var t = Math.Truncate(y * 16) / 16;
            var del = (y - t) * (y + t);
            result = Math.Exp(-t * t) * Math.Exp(-del) * result;
        }

        return x < 0 ? 2 - result : result;
    }
}
