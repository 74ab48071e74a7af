/** Asked for something this setup cannot give, such as a command without a registry; the web host answers 503. */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}
