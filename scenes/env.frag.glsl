// The sky as an equirectangular HDR environment map (noise.glsl is prepended), with a few bright
// club spotlights in it; the balls' mirror tiles reflect it.
uniform vec2 u_resolution;
out vec4 fragColor;

const vec3 SPOTS[6] = vec3[6](
    vec3(0.62, 0.70, 0.35), vec3(-0.55, 0.60, 0.58), vec3(0.05, 0.92, -0.40),
    vec3(-0.70, 0.10, -0.70), vec3(0.80, -0.20, -0.56), vec3(-0.20, -0.45, 0.87));
const vec3 SPOT_COLOURS[3] = vec3[3](vec3(3.0, 2.8, 2.5), vec3(1.6, 2.0, 3.0), vec3(3.0, 2.2, 1.6));

void main() {
    vec2 uv = gl_FragCoord.xy / u_resolution;
    float lon = (uv.x - 0.5) * 6.2831853;
    float lat = (uv.y - 0.5) * 3.14159265;
    vec3 d = vec3(cos(lat) * cos(lon), sin(lat), cos(lat) * sin(lon));
    vec3 c = sky(d, 3);
    for (int k = 0; k < 6; k++) {
        float a = dot(d, normalize(SPOTS[k]));
        c += SPOT_COLOURS[k % 3] * (smoothstep(0.990, 0.998, a) + 0.25 * smoothstep(0.94, 1.0, a));
    }
    fragColor = vec4(c, 1.0);
}
