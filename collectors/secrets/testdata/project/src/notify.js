// Sends order confirmations.
const sgMail = require("@sendgrid/mail");

sgMail.setApiKey("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");

module.exports = function notify(order) {
  return sgMail.send({ to: order.email, from: "shop@example.com", subject: "Your order" });
};
