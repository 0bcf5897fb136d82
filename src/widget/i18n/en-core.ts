/**
 * The English sentences every element may need before its lazily loaded parts arrive (status, markers,
 * errors, the list toggle, a text's checks). With en-parts.ts they make en.ts, the catalog the other
 * locales translate; the sentences of the parts come with the parts (parts.ts adds them).
 */
export const enCore = {
  status: {
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… You can’t post until the connection is back.',
    offline: 'You are offline. Conversations show as last seen; you can’t post until your network is back.',
    // Short: it sits on the image; the composers say what it means for posting.
    unreachable: 'The server cannot be reached.',
    /** `{seconds}`: whole seconds until the next try, at least 1. */
    retryIn: 'Retrying in {seconds} s.',
    retrying: 'Retrying now…',
    retryNow: 'Retry now',
    dismiss: 'Dismiss this message',
    readonlyImage: 'This image is read-only.',
    viewOnly: 'You can view but not post here.',
    gone: 'Conversation {number} was deleted by someone else.',
    /** Opening a thread or a text box needs a part of the widget fetched on first use, and it did not arrive. */
    partsFailed: 'This part of the chat could not be loaded. Check your connection and try again.',
  },
  /** Why nothing can be posted right now (under a composer). */
  blocked: {
    unreachable: 'The server cannot be reached, so you can’t post, reply or delete until it is back. Conversations stay readable.',
    connecting: 'Connecting… you can write once connected.',
    reconnecting: 'Reconnecting… you can’t post, reply or delete until the connection is back.',
    offline: 'You are offline, so you can’t post, reply or delete. Conversations stay readable.',
  },
  composer: {
    empty: 'Write a message first.',
    tooLong: 'This message is {length} characters long; the limit is {limit}.',
  },
  list: {
    toggle: { one: '{count} conversation: show the list', other: '{count} conversations: show the list' },
  },
  markers: {
    /** A marker's accessible name: the conversation's opening words follow it. */
    marker: 'Conversation {number} by {author}: {text}',
    resolved: '(resolved)',
    sending: '(sending)',
    replies: { one: '{count} reply.', other: '{count} replies.' },
    unread: { one: '{count} unread message.', other: '{count} unread messages.' },
    cluster: {
      one: '{count} conversation close together: {numbers}. Show it in a list.',
      other: '{count} conversations close together: {numbers}. Show them in a list.',
    },
    moveHelp: 'You can move this conversation: press M, then the arrow keys, then Enter.',
    image: 'Image',
    overlay: {
      one: '{alt}: {count} conversation. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
      other: '{alt}: {count} conversations. Press Enter to place a new one, arrow keys to move it, Enter again to write.',
    },
    overlayViewOnly: { one: '{alt}: {count} conversation.', other: '{alt}: {count} conversations.' },
    thread: 'Conversation {number} by {author}',
  },
  /** What failed, before the reason (`{what}: {reason}` in `errors.sentence`). */
  failed: {
    create: 'Your comment was not posted',
    update: 'Your change was not saved',
    delete: 'The conversation was not deleted',
  },
  /**
   * Why something failed or was refused: the server's (or the connection's) `reason`, else its code. Each is
   * a whole sentence, said alone in the banner or after `{what}: ` (`sentence`) for an action.
   */
  errors: {
    sentence: '{what}: {reason}',
    // By code, when the reason is not one the widget knows.
    unauthorized: 'You are not signed in, or your sign-in has expired.',
    forbidden: 'You may not do that here.',
    invalid: 'The server could not accept this.',
    notFound: 'It no longer exists.',
    rateLimited: 'Too many actions at once. Wait a moment and try again.',
    tooLarge: 'This is over a limit of the server.',
    unavailable: 'The server could not do this just now. Try again.',
    // By reason.
    rateLimitedFor: 'Too many actions: wait {seconds} s and try again.',
    readonlyToken: 'Your sign-in lets you view these conversations but not post.',
    readonlyView: 'This view is read-only.',
    readonlyGuests: 'Guests can view but not post here: sign in to take part.',
    notAuthor: 'Only its author or a moderator can change it.',
    textTooLong: 'The text is longer than {limit} characters, the most allowed.',
    tooManyConversations: 'This image already holds {limit} conversations, the most allowed: resolve and delete old ones first.',
    tooManyComments: 'This conversation already holds {limit} messages, the most allowed: start a new conversation.',
    firstComment: 'The first message opens the conversation: delete the conversation instead.',
    noSuchConversation: 'The conversation no longer exists.',
    noSuchComment: 'The message no longer exists.',
    queueFull: 'Too many messages are waiting: slow down.',
    tooManyImages: 'This page follows more than {limit} images at once.',
    signInRequired: 'Sign in to take part: this site does not admit guests.',
    signInRefused: 'Your sign-in is not valid here.',
    signInExpired: 'Your sign-in has expired. Reload the page to sign in again.',
    signInRenewalRefused: 'The renewed sign-in was not accepted; you stay signed in as before.',
    signInOtherUser: 'The new sign-in is for another user: reload the page to switch.',
    unknownTenant: 'This site is not set up on the chat server: there is no tenant "{tenant}".',
    originNotAllowed: 'The chat server does not allow conversations on this site: this page’s origin may not use tenant "{tenant}".',
    embedTicketMissing: 'This embedded page has expired: reload it.',
    tooManyConnections: 'Too many connections from your network: close other tabs or try again later.',
    restarting: 'The server is restarting: try again in a moment.',
    notOnline: 'You are not connected, so this was not sent. Try again when back online.',
    ackTimeout: 'The server did not confirm this in time.',
    connectionLost: 'The connection was lost before the server confirmed this.',
    badServer: '“{server}” is not a server address.',
  },
};
