// The sky sphere's smoky texture (noise.glsl is prepended), drawn into a quarter-resolution layer
// with the frame's vignette and the light behind the balls folded in (both smooth: at a quarter
// of the pixels they cost a sixteenth): one full-screen triangle, each pixel's ray followed to
// where it leaves the sky sphere (a mesh of the dome cost more in triangle set-up on llvmpipe
// than its pixels).
uniform mat4 u_invviewproj;
uniform vec3 u_eye;
uniform vec2 u_resolution;   // the layer's size
uniform float u_skyradius;
uniform float u_level;       // loudness in [0, 1]: quiet music, a darker sky
uniform float u_flash;       // a hit: the light behind the balls flares (0 between beats)
out vec4 fragColor;

void main() {
    vec4 far = u_invviewproj * vec4(gl_FragCoord.xy / u_resolution * 2.0 - 1.0, 1.0, 1.0);
    vec3 rd = normalize(far.xyz / far.w - u_eye);
    float b = dot(u_eye, rd), c = dot(u_eye, u_eye) - u_skyradius * u_skyradius;
    vec3 d = (u_eye + (sqrt(b * b - c) - b) * rd) / u_skyradius;  // the eye is inside: c < 0
    vec3 color = clamp(sky(normalize(d), 5), 0.0, 1.0) * (0.3 + 0.7 * u_level);
    vec2 q = gl_FragCoord.xy / u_resolution - 0.5;
    color *= 1.0 - 0.6 * dot(q, q);
    color += (0.05 + 0.95 * u_sky) * (0.10 + 0.30 * u_flash) * exp(-dot(q, q) * 7.0);
    fragColor = vec4(color, 1.0);
}
