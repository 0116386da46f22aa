// The sky sphere's smoky texture (noise.glsl is prepended), drawn into a quarter-resolution layer:
// one full-screen triangle, each pixel's ray followed to where it leaves the sky sphere (a mesh
// of the dome cost more in triangle set-up on llvmpipe than its pixels).
uniform mat4 u_invviewproj;
uniform vec3 u_eye;
uniform vec2 u_resolution;   // the layer's size
uniform float u_skyradius;
out vec4 fragColor;

void main() {
    vec4 far = u_invviewproj * vec4(gl_FragCoord.xy / u_resolution * 2.0 - 1.0, 1.0, 1.0);
    vec3 rd = normalize(far.xyz / far.w - u_eye);
    float b = dot(u_eye, rd), c = dot(u_eye, u_eye) - u_skyradius * u_skyradius;
    vec3 d = (u_eye + (sqrt(b * b - c) - b) * rd) / u_skyradius;  // the eye is inside: c < 0
    fragColor = vec4(clamp(sky(normalize(d), 5), 0.0, 1.0), 1.0);
}
